"""Press releases: the release file format, Markdown to safe HTML, media contacts and assets."""
