"""Checks that attn-run --prompt streams the text of the ids it generates.

Runs a compiled model twice on the same weights, once with token ids in and
out, once with text in and out through the tokenizer, and requires the text
to be the prompt's detokenisation followed by that of the generated ids.

usage: check_prompt.py ATTN_RUN MODEL.so WEIGHTS TOKENIZER_DIR
"""

import subprocess
import sys

attn_run, model, weights, tokenizer = sys.argv[1:5]
steps = "8"


def run(*args):
    result = subprocess.run([attn_run, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"attn-run {' '.join(args)} failed:\n{result.stderr}")
    return result


prompt_ids = run("--tokenizer", tokenizer, "--tokenize", "who").stdout.strip()
by_ids = run(model, "--weights", weights, "--tokens", prompt_ids, "-n", steps)
generated = next(line for line in by_ids.stdout.splitlines()
                 if line.startswith("generated:")).split()[1:]
if len(generated) != int(steps):
    sys.exit(f"expected {steps} generated ids, got {generated}")

all_ids = prompt_ids + "," + ",".join(generated)
expected = run("--tokenizer", tokenizer, "--detokenize", all_ids).stdout
by_text = run(model, "--weights", weights, "--tokenizer", tokenizer,
              "--prompt", "who", "-n", steps)
if by_text.stdout.rstrip("\n") != expected.rstrip("\n"):
    sys.exit(f"--prompt printed {by_text.stdout!r}, the ids decode to "
             f"{expected!r}")
if "tokens/s" not in by_text.stderr:
    sys.exit(f"no tokens/s report on stderr: {by_text.stderr!r}")
print(f"ok: {by_text.stdout.strip()!r}")
