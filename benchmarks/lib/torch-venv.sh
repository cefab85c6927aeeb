# Sourced by the benchmark scripts that compare with PyTorch.
# ensure_torch VENV: when VENV has no torch, installs it offline from the wheels on this machine (TORCH_WHEELS:
# directories with wheels, space separated; default: found with `find /`), preferring the CPU build.
ensure_torch() {
  local venv="$1"
  if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    echo "== torch is missing in $venv: looking for wheels to install offline"
    wheels=()
    if [[ -n "${TORCH_WHEELS:-}" ]]; then
      for d in $TORCH_WHEELS; do wheels+=("$d"/*.whl); done
    else
      mapfile -t wheels < <(find / \( -path /proc -o -path /sys \) -prune -o \
        \( -name 'torch-*.whl' -o -name 'numpy-*.whl' \) -print 2>/dev/null)
    fi
    # prefer the CPU build of torch: the CUDA builds need nvidia wheels that are not offline
    torch_wheel="$(printf '%s\n' "${wheels[@]}" | grep -E '/torch-[^/]*\+cpu[^/]*\.whl$' | sort -V | tail -1 || true)"
    [[ -z "$torch_wheel" ]] && torch_wheel="$(printf '%s\n' "${wheels[@]}" | grep -E '/torch-[^/]*\.whl$' | sort -V | tail -1 || true)"
    if [[ -n "$torch_wheel" ]]; then
      links=()
      while read -r d; do links+=(--find-links "$d"); done < <(printf '%s\n' "${wheels[@]}" | xargs -r -n1 dirname | sort -u)
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q --no-index "${links[@]}" "$torch_wheel" numpy \
        || echo "torch install failed (see pip output above)"
    fi
  fi
}
