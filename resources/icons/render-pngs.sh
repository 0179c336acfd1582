#!/bin/sh
# Renders the application icon meterline.svg into png/meterline-<N>.png at every size the dashboard and the
# packaging use. A maintainer step, not part of the build: run it after changing the SVG and commit the PNGs.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/png"
for size in 16 22 24 32 48 64 128 256 512; do
    rsvg-convert --width "$size" --height "$size" --format png \
        --output "$here/png/meterline-$size.png" "$here/meterline.svg"
done
echo "rendered $(ls "$here"/png/meterline-*.png | wc -l) PNGs into $here/png"
