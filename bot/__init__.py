"""studybot's platform-agnostic core: domain rules, storage, services and neutral messages."""
