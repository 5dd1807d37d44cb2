// Entry point of the float64 reference ops ("the oracle" every GPU kernel is tested
// against). The ops live in small modules by family; everything is re-exported here.

export {
  matmul_forward, matmul_backward,
  embedding_forward, embedding_backward,
  rmsnorm_forward, rmsnorm_backward,
  swiglu_forward, swiglu_backward,
  cross_entropy_forward, cross_entropy_backward,
} from './ops_dense';
export { rope_forward, rope_backward, attention_forward, attention_backward } from './ops_attention';
export {
  lora_dropout_forward, lora_dropout_backward,
  lora_forward, lora_backward,
  lora_merge, lora_delta,
} from './ops_lora';
export { adamw_step, grad_norm, clip_scale, type AdamWStepHyper } from './optim';
