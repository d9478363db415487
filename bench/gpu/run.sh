#!/usr/bin/env bash
# Run ON the NVIDIA machine, from the repository root, after bench/gpu/prepare.sh ran here:
#   device run: command "bash bench/gpu/run.sh", carry [".gpu-bench", ".gl"], timeout_s 420
# Checks the machine (GPU, Node, the Vulkan loader and the driver's ICD), then runs
# dist/bench/gpu/oneShot.js: the adapter, the correctness checks and the 32^4 benchmark, and
# prints a short table. The log and a JSON record go to $OUT (or /tmp). Extra arguments go to
# oneShot.js (e.g. --backends opengl).
set -uo pipefail
cd "$(dirname "$0")/../.."
B=.gpu-bench
OUTDIR=${OUT:-/tmp}
[ -d "$B" ] || { echo "run.sh: $B missing: run bench/gpu/prepare.sh first and carry $B" >&2; exit 2; }

echo "== machine"
uname -srm
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv,noheader 2>&1 || echo "nvidia-smi: not available"

echo "== node"
if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  NODE=$(command -v node)
else
  xz -dc "$B/node.xz" >/tmp/node && chmod +x /tmp/node && NODE=/tmp/node
fi
"$NODE" --version || { echo "run.sh: no usable Node" >&2; exit 2; }
DAWN=$B/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$DAWN" ] || xz -dc "$B/dawn.node.xz" >"$DAWN"

echo "== vulkan loader and driver"
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in .gl/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
ldconfig -p | grep -E 'libvulkan.so.1|libEGL.so.1' || echo "no libvulkan.so.1 / libEGL.so.1 found"
ICD=""
for f in /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
  /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$f" ]; then ICD=$f; echo "ICD: $f"; break; fi
done
if [ -z "$ICD" ]; then
  echo "no NVIDIA Vulkan ICD json found: Dawn will fall back to OpenGL"
elif [ "$ICD" = /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=$ICD
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] &&
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>&1 | head -20

echo "== adapter, checks, benchmark"
"$NODE" "$B/dist/bench/gpu/oneShot.js" --json "$OUTDIR/gpu-bench.json" "$@" 2>&1 | tee "$OUTDIR/gpu-bench.log"
exit "${PIPESTATUS[0]}"
