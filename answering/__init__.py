"""The query path: route a question, retrieve within a token budget, build the prompt, answer
(through the configured model, or extractively without one), and count what it cost."""
