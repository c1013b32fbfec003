#!/usr/bin/python3
"""Trains a SentencePiece Unigram model (nmt_nfkc normalization, as XLM-R's) on a text file and writes it
as a Hugging Face tokenizer.json laid out as XLM-R / multilingual-E5 ship it: Precompiled charsmap +
Replace("  " -> " ") normalizers, Metaspace pre-tokenizer, "<s> $A </s>" template.
Used by bench/onnx/tokenizers.ts only.   Needs Debian's python3-sentencepiece.

    /usr/bin/python3 bench/onnx/sentencepiece_tokenizer.py CORPUS.txt OUT_DIR
"""
import base64
import json
import os
import sys

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as pb

corpus, out = sys.argv[1], sys.argv[2]
prefix = os.path.join(out, "sp")
spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, vocab_size=8000, model_type="unigram",
                               character_coverage=0.9995, normalization_rule_name="nmt_nfkc",
                               bos_id=0, pad_id=1, eos_id=2, unk_id=3, input_sentence_size=20000,
                               minloglevel=2)
model = pb.ModelProto()
with open(prefix + ".model", "rb") as f:
    model.ParseFromString(f.read())
specials = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}


def special(name):
    return {"SpecialToken": {"id": name, "type_id": 0}}


tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True} for c, i in specials.items()],
    "normalizer": {"type": "Sequence", "normalizers": [
        {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(model.normalizer_spec.precompiled_charsmap).decode()},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
    "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
    "post_processor": {"type": "TemplateProcessing",
                       "single": [special("<s>"), {"Sequence": {"id": "A", "type_id": 0}}, special("</s>")],
                       "pair": [special("<s>"), {"Sequence": {"id": "A", "type_id": 0}}, special("</s>"), special("</s>"),
                                {"Sequence": {"id": "B", "type_id": 0}}, special("</s>")],
                       "special_tokens": {k: {"id": k, "ids": [specials[k]], "tokens": [k]} for k in ("<s>", "</s>")}},
    "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
    "model": {"type": "Unigram", "unk_id": 3, "vocab": [[p.piece, p.score] for p in model.pieces], "byte_fallback": False},
}
with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
    json.dump(tokenizer, f, ensure_ascii=False)
with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
    json.dump({"model_max_length": 512, "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}, f)
