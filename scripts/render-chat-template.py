#!/usr/bin/env python3
"""Reference renderer for chat-template fixtures: renders a GGUF's chat template the way Hugging Face
transformers does (jinja2 sandbox, trim_blocks, lstrip_blocks, tojson, raise_exception).

  pip install gguf jinja2
  scripts/render-chat-template.py MODEL.gguf CONVERSATION.json > expected.txt

CONVERSATION.json: {"messages": [{"role": ..., "content": ...}], "add_generation_prompt": true}
The fixtures under langchain4j-moi/src/test/resources/chat-templates/ were made with it (jinja2 3.1).
"""
import json
import sys

from gguf import GGUFReader
from jinja2.sandbox import ImmutableSandboxedEnvironment


def field(reader, key):
    f = reader.fields.get(key)
    return None if f is None else f.parts[f.data[0]]


def main(model, conversation):
    reader = GGUFReader(model)
    template = bytes(field(reader, "tokenizer.chat_template")).decode("utf-8")
    tokens = reader.fields["tokenizer.ggml.tokens"]

    def token_text(key):
        value = field(reader, key)
        return "" if value is None else bytes(tokens.parts[tokens.data[int(value[0])]]).decode("utf-8")

    def raise_exception(message):
        raise Exception(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = lambda x, indent=None: json.dumps(x, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = raise_exception
    conv = json.load(open(conversation, encoding="utf-8"))
    sys.stdout.write(env.from_string(template).render(
        messages=conv["messages"], add_generation_prompt=conv.get("add_generation_prompt", True),
        bos_token=token_text("tokenizer.ggml.bos_token_id"), eos_token=token_text("tokenizer.ggml.eos_token_id")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
