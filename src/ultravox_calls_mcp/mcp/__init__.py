"""The MCP surface: tools, resources and prompts over the API client and the render layer."""
