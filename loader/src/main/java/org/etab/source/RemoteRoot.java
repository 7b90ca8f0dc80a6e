package org.etab.source;

import java.net.URI;

/**
 * How a dataset reads a root at an HTTP(S) URL (EchoNet-Dynamic today). The store's settings are the storage
 * layer's type, named here only as {@code S} so that this package stays below storage.
 *
 * @param <S> the store settings {@link #open} takes ({@code HttpStoreOptions})
 */
public interface RemoteRoot<S> {

    /**
     * The class of the store settings, for a caller that holds them as a plain object.
     *
     * @return the class of {@code S}
     */
    Class<S> settingsType();

    /**
     * Fetches the index at {@code root} and selects records. The result holds the store open: close it after the
     * run.
     *
     * @param root       the dataset's HTTP(S) URL
     * @param settings   the store's settings ({@code HttpStoreOptions})
     * @param split      train, val, test or all
     * @param view       null for the dataset's default
     * @param options    what each sample is
     * @param clipRanges once a file's layout is known, fetch only each sample's byte ranges (else files whole)
     * @return the opened dataset, holding the store open until it is closed
     * @throws IllegalArgumentException naming a bad split, view or option
     */
    OpenedDataset open(URI root, S settings, String split, String view, SampleOptions options, boolean clipRanges);
}
