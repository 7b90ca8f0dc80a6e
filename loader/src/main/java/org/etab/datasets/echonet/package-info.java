/**
 * EchoNet-Dynamic: FileList/VolumeTracings reader, index and records, its source (local span reads and HTTP reads behind one video store), its LV mask, its phantom and its registry entry.
 *
 * <p>API: the reader, index, records and source for code that selects records itself; otherwise open it by name through the registry. Layering: see {@code docs/architecture.md} (enforced by {@code LayeringTest}).
 */
package org.etab.datasets.echonet;
