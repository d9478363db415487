#!/usr/bin/env bash
# Run HERE, in a session that has a device machine, before the one device call: gathers into
# .gpu-bench/ (ignored through .git/info/exclude) what bench/gpu/run.sh needs on a machine
# that may have no Node and no package registry, and into .gl/ the Vulkan/EGL loaders
# (the recipe of /work/.library/device/README.md):
#
#   .gpu-bench/node.xz                 this machine's Node binary (x86-64, like the device's)
#   .gpu-bench/dist/                   the compiled project (npm run build)
#   .gpu-bench/node_modules/           webgpu (index.js + the linux-x64 dawn.node, xz), piscina,
#                                      debug, ms: the packages the benchmark loads
#   .gl/*.deb                          libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2
#
# About 35 MiB in all. Then, on the device (one call, about 3 minutes):
#   run: command "bash bench/gpu/run.sh", carry [".gpu-bench", ".gl"], timeout_s 420
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -m)" = x86_64 ] || { echo "prepare.sh: this machine is $(uname -m); the device is x86-64: build there" >&2; exit 1; }
mkdir -p .git/info
for p in /.gpu-bench/ /.gl/; do grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >>.git/info/exclude; done

npm run build --silent
B=.gpu-bench
rm -rf "$B"
mkdir -p "$B/node_modules/webgpu/dist/linux-x64"
xz -T0 -6 -c "$(command -v node)" >"$B/node.xz"
cp -r dist "$B/dist"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$B/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$B/dawn.node.xz"
for m in piscina debug ms; do cp -r "node_modules/$m" "$B/node_modules/$m"; done

mkdir -p .gl /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
# shellcheck disable=SC2086
apt-get $o update -qq
# shellcheck disable=SC2086
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh "$B" .gl
echo "prepared; on the device: bash bench/gpu/run.sh (carry .gpu-bench and .gl)"
