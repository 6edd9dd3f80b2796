"""The Glub language model: a small Llama-style decoder, in one file.

token embedding -> N x [RMSNorm -> causal self-attention (RoPE on Q and K) -> residual;
RMSNorm -> SwiGLU -> residual] -> RMSNorm -> LM head tied to the embedding. No biases.
The context is hard-capped at 96 positions: the fish forgets you between sentences.

``forward`` takes an optional KV cache (stacked keys and values of every layer) so the same
module serves training, the full-recompute reference and the ONNX export's one-token steps.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine_py.chat import MAX_CONTEXT

IGNORE_INDEX = -100  # targets with this value carry no loss (the message, the padding)


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = 5120
    hidden: int = 256
    n_layer: int = 4
    n_head: int = 4
    intermediate: int = 704
    max_context: int = MAX_CONTEXT
    dropout: float = 0.1
    rope_base: float = 10000.0
    norm_eps: float = 1e-5
    # "modern": RMSNorm + RoPE + SwiGLU (DESIGN.md). "vanilla": LayerNorm + learned positions + a ReLU
    # MLP, kept only for the comparison in docs/COMPARISONS.md.
    architecture: str = "modern"

    @property
    def head_dim(self) -> int:
        return self.hidden // self.n_head

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, ModelConfig] = {
    # The reference size: exactly 36,055,680 parameters.
    "glub36m": ModelConfig(hidden=640, n_layer=8, n_head=10, intermediate=1280),
    # About 4.5M: what trains well on two CPU cores in about 90 minutes.
    "pet": ModelConfig(hidden=256, n_layer=4, n_head=4, intermediate=704),
    # About 12.6M: the larger model that trains in about 90 minutes here (a few epochs).
    "pet-large": ModelConfig(hidden=384, n_layer=6, n_head=6, intermediate=1024),
    # Seconds on a CPU, for tests and the walking skeleton.
    "tiny": ModelConfig(hidden=64, n_layer=2, n_head=4, intermediate=176),
    # The same sizes in vanilla blocks; the MLP is widened so the parameter counts match
    # exactly.
    "pet-vanilla": ModelConfig(hidden=256, n_layer=4, n_head=4, intermediate=1044, architecture="vanilla"),
    "tiny-vanilla": ModelConfig(hidden=64, n_layer=2, n_head=4, intermediate=240, architecture="vanilla"),
}


def preset(name: str) -> ModelConfig:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(config: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin for every position in the window, shape (max_context, head_dim // 2)."""
    half = config.head_dim // 2
    inv_freq = 1.0 / config.rope_base ** (torch.arange(half, dtype=torch.float32) / half)
    angles = torch.outer(torch.arange(config.max_context, dtype=torch.float32), inv_freq)
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate (first half, second half) pairs of each head by the angle of its position.

    x: (batch, heads, time, head_dim); cos, sin: (time, head_dim // 2).
    """
    first, second = x.chunk(2, dim=-1)
    return torch.cat((first * cos - second * sin, first * sin + second * cos), dim=-1)


class Attention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_head, self.head_dim = config.n_head, config.head_dim
        self.q = nn.Linear(config.hidden, config.hidden, bias=False)
        self.k = nn.Linear(config.hidden, config.hidden, bias=False)
        self.v = nn.Linear(config.hidden, config.hidden, bias=False)
        self.out = nn.Linear(config.hidden, config.hidden, bias=False)
        self.dropout = config.dropout

    def forward(
        self,
        x: torch.Tensor,
        cos: torch.Tensor | None,
        sin: torch.Tensor | None,
        past_key: torch.Tensor | None,
        past_value: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        batch, time, hidden = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, time, self.n_head, self.head_dim).transpose(1, 2)

        q, k = heads(self.q(x)), heads(self.k(x))
        if cos is not None:  # vanilla blocks carry position in the embedding instead
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        v = heads(self.v(x))
        if past_key is not None:
            k = torch.cat((past_key, k), dim=2)
            v = torch.cat((past_value, v), dim=2)
        dropout = self.dropout if self.training else 0.0
        if past_key is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout)
        else:
            # Query i (at position past + i) sees keys 0 .. past + i.
            past = k.shape[2] - time
            query_pos = torch.arange(time, device=x.device).unsqueeze(1) + past
            key_pos = torch.arange(k.shape[2], device=x.device).unsqueeze(0)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=key_pos <= query_pos, dropout_p=dropout)
        y = y.transpose(1, 2).reshape(batch, time, hidden)
        return self.out(y), k, v


class SwiGLU(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.gate = nn.Linear(config.hidden, config.intermediate, bias=False)
        self.up = nn.Linear(config.hidden, config.intermediate, bias=False)
        self.down = nn.Linear(config.intermediate, config.hidden, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class ReluMLP(nn.Module):
    """The vanilla feed-forward: up, ReLU, down."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.up = nn.Linear(config.hidden, config.intermediate, bias=False)
        self.down = nn.Linear(config.intermediate, config.hidden, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.relu(self.up(x)))


def make_norm(config: ModelConfig) -> nn.Module:
    if config.architecture == "vanilla":
        return nn.LayerNorm(config.hidden, config.norm_eps, bias=False)
    return RMSNorm(config.hidden, config.norm_eps)


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.attn_norm = make_norm(config)
        self.attn = Attention(config)
        self.ffn_norm = make_norm(config)
        self.ffn = ReluMLP(config) if config.architecture == "vanilla" else SwiGLU(config)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x, cos, sin, past_key=None, past_value=None):
        attended, k, v = self.attn(self.attn_norm(x), cos, sin, past_key, past_value)
        x = x + self.dropout(attended)
        x = x + self.dropout(self.ffn(self.ffn_norm(x)))
        return x, k, v


class GlubModel(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.architecture not in ("modern", "vanilla"):
            raise ValueError(f"unknown architecture {config.architecture!r}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.hidden)
        self.positions = nn.Embedding(config.max_context, config.hidden) if config.architecture == "vanilla" else None
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.norm = make_norm(config)
        cos, sin = rope_tables(config)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init_weights)
        # Scale the residual outputs down with depth so the stream starts near unit variance.
        for name, param in self.named_parameters():
            if name.endswith(("attn.out.weight", "ffn.down.weight")):
                nn.init.normal_(param, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(
        self,
        input_ids: torch.Tensor,
        past_keys: torch.Tensor | None = None,
        past_values: torch.Tensor | None = None,
        last_only: bool = False,
        targets: torch.Tensor | None = None,
    ):
        """Logits for ``input_ids`` (batch, time) after an optional cache of ``past`` positions.

        past_keys / past_values: (n_layer, batch, n_head, past, head_dim). Returns the logits
        (batch, time, vocab) — or (batch, vocab) for the last position with ``last_only`` — and the
        cache extended by ``time`` positions.

        With ``targets`` (batch, time; IGNORE_INDEX where there is none) it returns the mean
        cross-entropy instead, and runs the head (hidden x vocab per position) only where there is
        a target: on chat samples that skips the message and the padding.
        """
        x, keys, values = self.hidden_states(input_ids, past_keys, past_values)
        if targets is not None:
            keep = targets != IGNORE_INDEX
            return F.cross_entropy(self.head(x[keep]).float(), targets[keep])
        if last_only:
            x = x[:, -1, :]
        return self.head(x), keys, values

    def head(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.embed.weight.t()  # the LM head is the embedding, tied

    def hidden_states(
        self,
        input_ids: torch.Tensor,
        past_keys: torch.Tensor | None = None,
        past_values: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The final-norm hidden states and the extended cache."""
        time = input_ids.shape[1]
        past = 0 if past_keys is None else past_keys.shape[3]
        if not torch.jit.is_tracing() and past + time > self.config.max_context:
            raise ValueError(
                f"the window holds {self.config.max_context} tokens; got {past} cached + {time} new"
            )
        x = self.embed(input_ids)
        if self.positions is None:
            cos, sin = self.rope_cos[past : past + time], self.rope_sin[past : past + time]
        else:
            cos = sin = None
            x = x + self.positions(torch.arange(past, past + time, device=input_ids.device))
        x = self.dropout(x)
        keys, values = [], []
        for layer, block in enumerate(self.blocks):
            past_key = None if past_keys is None else past_keys[layer]
            past_value = None if past_values is None else past_values[layer]
            x, k, v = block(x, cos, sin, past_key, past_value)
            keys.append(k)
            values.append(v)
        return self.norm(x), torch.stack(keys), torch.stack(values)
