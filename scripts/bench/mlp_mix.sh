# Sourced by benchmarks: the Fashion-MNIST MLP mix's recipe — train the MLP 784-350-50-10 one
# epoch, attack images with FGSM ε=0.1, capture clean and attacked traces (each dataset under
# its own tag, each FGSM trace's parent the clean trace of its image). The caller sets
# `deepprov` (the binary) and `work` (where the model and attacks go) before calling:
#   mlp_train [TRAIN-ARGS…]            $work/mlp.onnx, unless it exists (extra `deepprov train` arguments: --seed 1)
#   mlp_fgsm test|train [ATTACK-ARGS…] $work/fgsm-PART.npy (with .labels.npy, .parents.npy) from the test or
#                                      training images (extra `deepprov attack` arguments: --limit 20000)
#   mlp_capture ARGS…                  `deepprov capture` of the model, quiet, with ARGS (say --out S or --db D)
#   mlp_capture_clean test|train TAG ARGS…          the clean test or training images as TAG
#   mlp_capture_fgsm test|train PARENT-TAG ARGS…    $work/fgsm-PART.npy as fgsm-PART, parents under PARENT-TAG
# and reading `mlp_data`, `mlp_scaling`, `mlp_train_set` and `mlp_test_set` (the images and
# labels as `deepprov` arguments).

mlp_data=/usr/share/datasets/fashion-mnist
mlp_scaling=(--scale 0.00784313725 --shift -1)
mlp_train_set=(--inputs "$mlp_data/train-images-idx3-ubyte.gz" --labels "$mlp_data/train-labels-idx1-ubyte.gz")
mlp_test_set=(--inputs "$mlp_data/t10k-images-idx3-ubyte.gz" --labels "$mlp_data/t10k-labels-idx1-ubyte.gz")

# mlp_images test|train: the images and labels of that part as `deepprov` arguments, in `mlp_images`.
mlp_images() {
  case "$1" in
    test) mlp_images=("${mlp_test_set[@]}") ;;
    train) mlp_images=("${mlp_train_set[@]}") ;;
    *) echo "mlp_mix: no image set '$1' (test or train)" >&2; return 2 ;;
  esac
}

mlp_train() {
  [ -f "$work/mlp.onnx" ] && return 0
  "$deepprov" train --arch mlp:784,350,50,10 "${mlp_train_set[@]}" "${mlp_scaling[@]}" --epochs 1 "$@" --quiet --out "$work/mlp.onnx"
}

mlp_fgsm() {
  local part=$1; shift
  mlp_images "$part" || return
  "$deepprov" attack --model "$work/mlp.onnx" "${mlp_images[@]}" "${mlp_scaling[@]}" "$@" --attack fgsm --eps 0.1 \
    --clip-min -1 --clip-max 1 --out "$work/fgsm-$part.npy" --quiet
}

mlp_capture() { "$deepprov" capture --model "$work/mlp.onnx" --quiet "$@"; }

mlp_capture_clean() {
  local part=$1 tag=$2; shift 2
  mlp_images "$part" || return
  mlp_capture "${mlp_images[@]}" "${mlp_scaling[@]}" --tag "$tag" "$@"
}

mlp_capture_fgsm() {
  local part=$1 parent_tag=$2; shift 2
  mlp_capture --inputs "$work/fgsm-$part.npy" --labels "$work/fgsm-$part.labels.npy" --parents "$work/fgsm-$part.parents.npy" \
    --parent-tag "$parent_tag" --tag "fgsm-$part" "$@"
}
