"""Renders one prompt of a pack with the official PromptPack Python client
(`promptpack`, from AltairaLabs/promptpack-python):
python3 render-promptpack-python.py PACK PROMPT_ID VARS_JSON.
Prints the rendered system prompt; exits 1 with the client's error otherwise."""

import json
import sys

from promptpack import parse_promptpack, validate_variables
from promptpack.fragments import FragmentResolver

pack_path, prompt_id, vars_json = sys.argv[1:4]
try:
    pack = parse_promptpack(pack_path)
    prompt = pack.prompts[prompt_id]
    # As the client's LangChain template does: defaults applied, then rendered.
    values = validate_variables(prompt.variables or [], json.loads(vars_json), strict=False)
    text = FragmentResolver(pack).resolve_template(prompt.system_template, values, strict=True)
except Exception as error:  # the client's own error, reported to the test
    cause = f" ({error.__cause__})" if error.__cause__ else ""
    sys.stderr.write(f"{type(error).__name__}: {error}{cause}")
    sys.exit(1)
sys.stdout.write(text)
