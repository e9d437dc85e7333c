"""Write a tiny random-weight LLaVA-style text model + CLIP projector with the ``gguf`` package.

This is a test fixture only: the weights are random, so the model's answers are
gibberish. It proves the plumbing (GGUF metadata -> handler choice -> projector
load -> image encoded -> tokens generated), not the quality of any answer.
No vision-language model ships in any package this project can install.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

N_EMBD = 64  # text model width == projector output width
V_EMBD = 32  # vision encoder width
IMAGE_SIZE = 32
PATCH = 8


def _f32(rng: np.random.Generator, *shape: int, scale: float = 0.02) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def write_text_model(path: Path, *, name: str = "tiny-llava-test", arch: str = "llama", n_embd: int = N_EMBD) -> Path:
    import gguf

    rng = np.random.default_rng(0)
    n_head, n_ff, n_layer = 4, 128, 1
    # SentencePiece-style vocabulary: <unk>, <s>, </s> and the 256 byte-fallback tokens.
    tokens = [b"<unk>", b"<s>", b"</s>"] + [f"<0x{i:02X}>".encode() for i in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256
    vocab = len(tokens)

    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(name)
    w.add_context_length(512)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * vocab)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_tensor("token_embd.weight", _f32(rng, vocab, n_embd))
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", _f32(rng, vocab, n_embd))
    for i in range(n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(p + t + ".weight", _f32(rng, n_embd, n_embd))
        w.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(p + "ffn_gate.weight", _f32(rng, n_ff, n_embd))
        w.add_tensor(p + "ffn_up.weight", _f32(rng, n_ff, n_embd))
        w.add_tensor(p + "ffn_down.weight", _f32(rng, n_embd, n_ff))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def write_projector(path: Path, *, out_embd: int = N_EMBD) -> Path:
    """A CLIP vision encoder (2 blocks) with an LLaVA ``mlp`` projector to ``out_embd``."""
    import gguf

    rng = np.random.default_rng(1)
    n_layer, n_ff, n_head = 2, 64, 4
    n_patches = (IMAGE_SIZE // PATCH) ** 2

    w = gguf.GGUFWriter(str(path), "clip")
    w.add_name("tiny-clip-test")
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_clip_has_vision_encoder(True)
    w.add_clip_projector_type("mlp")
    w.add_vision_image_size(IMAGE_SIZE)
    w.add_vision_patch_size(PATCH)
    w.add_vision_embedding_length(V_EMBD)
    w.add_vision_feed_forward_length(n_ff)
    w.add_vision_projection_dim(out_embd)
    w.add_vision_block_count(n_layer)
    w.add_vision_head_count(n_head)
    w.add_vision_attention_layernorm_eps(1e-5)
    w.add_vision_image_mean([0.5, 0.5, 0.5])
    w.add_vision_image_std([0.5, 0.5, 0.5])
    w.add_bool("clip.use_gelu", True)
    w.add_tensor("v.patch_embd.weight", _f32(rng, V_EMBD, 3, PATCH, PATCH))
    w.add_tensor("v.position_embd.weight", _f32(rng, n_patches, V_EMBD))
    w.add_tensor("v.pre_ln.weight", np.ones(V_EMBD, dtype=np.float32))
    w.add_tensor("v.pre_ln.bias", np.zeros(V_EMBD, dtype=np.float32))
    for i in range(n_layer):
        p = f"v.blk.{i}."
        for t in ("attn_q", "attn_k", "attn_v", "attn_out"):
            w.add_tensor(p + t + ".weight", _f32(rng, V_EMBD, V_EMBD))
            w.add_tensor(p + t + ".bias", np.zeros(V_EMBD, dtype=np.float32))
        for t in ("ln1", "ln2"):
            w.add_tensor(p + t + ".weight", np.ones(V_EMBD, dtype=np.float32))
            w.add_tensor(p + t + ".bias", np.zeros(V_EMBD, dtype=np.float32))
        w.add_tensor(p + "ffn_up.weight", _f32(rng, n_ff, V_EMBD))
        w.add_tensor(p + "ffn_up.bias", np.zeros(n_ff, dtype=np.float32))
        w.add_tensor(p + "ffn_down.weight", _f32(rng, V_EMBD, n_ff))
        w.add_tensor(p + "ffn_down.bias", np.zeros(V_EMBD, dtype=np.float32))
    w.add_tensor("mm.0.weight", _f32(rng, out_embd, V_EMBD))
    w.add_tensor("mm.0.bias", np.zeros(out_embd, dtype=np.float32))
    w.add_tensor("mm.2.weight", _f32(rng, out_embd, out_embd))
    w.add_tensor("mm.2.bias", np.zeros(out_embd, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
