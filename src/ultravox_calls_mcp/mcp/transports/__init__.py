"""How the server is reached over the network (SSE, streamable HTTP); stdio needs none."""
