# Claude Code: add the server for your user (all projects). Run one of these lines.
# With the sample account (no key):
claude mcp add ultravox-calls --scope user -- ultravox-calls-mcp --sandbox
# With your key (read from your shell, so it is not typed into the history):
claude mcp add ultravox-calls --scope user --env ULTRAVOX_API_KEY="$ULTRAVOX_API_KEY" -- ultravox-calls-mcp
