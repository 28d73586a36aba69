#!/bin/sh
# Install this RackStudio folder for the current user (or a prefix): a `rackstudio` command,
# the menu entry, the icons and the .rackstudio file type. The folder itself stays where it is.
#   ./install.sh                 # into ~/.local
#   sudo ./install.sh /usr/local # for everyone (keep the folder somewhere like /opt/RackStudio)
#   ./install.sh --uninstall [PREFIX]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
uninstall=0
if [ "${1:-}" = "--uninstall" ]; then uninstall=1; shift; fi
prefix=${1:-"$HOME/.local"}
share="$prefix/share"

files="applications/rackstudio.desktop mime/packages/rackstudio.xml icons/hicolor/scalable/apps/rackstudio.svg"
for size in 16 22 24 32 48 64 128 256 512; do
    files="$files icons/hicolor/${size}x${size}/apps/rackstudio.png"
done

if [ "$uninstall" = 1 ]; then
    rm -f "$prefix/bin/rackstudio"
    for f in $files; do rm -f "$share/$f"; done
else
    mkdir -p "$prefix/bin"
    ln -sf "$here/rackstudio" "$prefix/bin/rackstudio"
    for f in $files; do
        mkdir -p "$(dirname "$share/$f")"
        cp "$here/share/$f" "$share/$f"
    done
    # The menu entry runs this folder's binary even when $prefix/bin is not on PATH.
    sed -i "s|^Exec=rackstudio|Exec=\"$here/rackstudio\"|; s|^TryExec=rackstudio|TryExec=$here/rackstudio|" \
        "$share/applications/rackstudio.desktop"
fi

command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$share/mime" || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
if [ "$uninstall" = 1 ]; then echo "RackStudio removed from $prefix"; else echo "RackStudio installed in $prefix (run: rackstudio)"; fi
