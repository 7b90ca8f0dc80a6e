#!/usr/bin/env bash
# default-flag exports from main (9338504) and wt-resize, compared byte for byte
set -u
root=/tmp/rs/p/echonet
croot=/tmp/etab-resize-parity/phantom/camus
base() { java -Detab.home=/tmp/rs/base -cp "/tmp/rs/base/bench/target/etab-bench.jar:$(cat /tmp/rs/base/bench/target/classpath.txt)" org.etab.cli.Etab "$@"; }
new() { java -Detab.home=/tmp/rs/new -cp "/tmp/rs/new/etab-bench.jar:$(cat /tmp/rs/new/classpath.txt)" org.etab.cli.Etab "$@"; }
i=0
while read -r flags; do
  i=$((i+1))
  base export $flags --out /tmp/rs/bc/base$i --quiet >/dev/null 2>&1
  new export $flags --out /tmp/rs/bc/new$i --quiet >/dev/null 2>&1
  n=$(ls /tmp/rs/bc/base$i/*.npy | wc -l)
  same=0; for f in /tmp/rs/bc/base$i/*.npy; do cmp -s "$f" /tmp/rs/bc/new$i/$(basename "$f") && same=$((same+1)); done
  # manifest.csv has CRLF line ends; the new one has one more column, layout, at the end
  m=$(diff <(tr -d '\r' < /tmp/rs/bc/base$i/manifest.csv) <(tr -d '\r' < /tmp/rs/bc/new$i/manifest.csv | sed 's/,[a-z]*$//') \
    >/dev/null && echo "identical without the layout column" || echo DIFFERENT)
  echo "case $i: $flags | npy identical $same of $n | manifest $m"
done <<LIST
--dataset echonet --root $root --split all
--dataset echonet --root $root --split all --frame-size 224x224
--dataset echonet --root $root --split all --frame-size 72x40 --dtype uint8
--dataset echonet --root $root --split all --target LV_seg --video false --frame-size 96x80
--dataset camus --root $croot --split all --frame-size 224x224 --target LV_seg --video false
--dataset camus --root $croot --split all --frame-size 120x100 --dtype uint8 --clip-length 4
LIST
