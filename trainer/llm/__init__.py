"""The Anthropic data pipeline: four model roles (generator, critic, diversifier, guardian) that write
goldfish samples with the same schema and persona rules as the offline generator.

Modules, one concern each: `cost` (prices, budget), `client` (one model call with retries),
`parse` (model text -> JSON), `prompts` (topics and role prompts), `roles` (the four roles),
`diversity` (local n-gram repetition), `store` (append-only JSONL + state file), `pipeline`
(concurrent Messages API run), `batch` (Message Batches API run), `split` (train/test by topic),
`cli` (the `python -m trainer data --source anthropic` flags).
"""
