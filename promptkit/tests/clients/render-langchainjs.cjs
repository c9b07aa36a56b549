// Renders one prompt of a pack with the official PromptPack client for LangChain.js
// (`@promptpack/langchain`): node render-langchainjs.cjs PACK PROMPT_ID VARS_JSON.
// Prints the rendered system prompt; exits 1 with the client's error otherwise.
const { PromptPackRegistry, PromptPackTemplate } = require('@promptpack/langchain');

const [packPath, promptId, varsJson] = process.argv.slice(2);
const pack = PromptPackRegistry.loadFromFile(packPath);
new PromptPackTemplate({ pack, promptId })
  .format(JSON.parse(varsJson))
  .then(
    (text) => process.stdout.write(text),
    (error) => {
      process.stderr.write(String(error));
      process.exit(1);
    },
  );
