package org.etab.decode;

/**
 * What one {@link VideoDecoder#decode} call did.
 *
 * @param delivered      clip positions handed to the sink (a prefix of the request)
 * @param framesDecoded  pictures the decoder produced, wanted or not
 * @param packetsSkipped video packets read but never given to the decoder (intra-only path)
 * @param bytesRead      payload bytes of all packets read (every stream), i.e. how far into the file the
 *                       call had to go
 */
public record DecodeStats(int delivered, int framesDecoded, int packetsSkipped, long bytesRead) {}
