"""The ground floor every stage shares: errors, settings, models, token counts, the LLM client,
prompts, progress lines. It imports nothing of docthrift above it."""
