"""Drives a self-hosted MCP server (the `mcp-custom-handler` profile) with the official MCP
Python SDK (`mcp` on PyPI), through whatever proxies it.

Usage: sdk_server_client.py URL SCRIPT_JSON

SCRIPT_JSON is a list of steps, each {"call": tool, "arguments": {...}}. The script initializes,
lists the tools, runs the steps and prints one JSON object: {"server": ..., "tools": [...],
"steps": [...]}, each step {"result": ...} or {"error": {"code": ..., "message": ...}} for a
JSON-RPC error. The Rust test asserts on it; this file only speaks the protocol through the SDK.
"""

import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


def dump(model):
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


async def main(url, steps):
    out = {"steps": []}
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            out["server"] = dump(await session.initialize())
            out["tools"] = dump(await session.list_tools())["tools"]
            for step in steps:
                try:
                    result = await session.call_tool(step["call"], step.get("arguments", {}))
                    out["steps"].append({"result": dump(result)})
                except MCPError as error:
                    out["steps"].append(
                        {"error": {"code": error.error.code, "message": error.error.message}}
                    )
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
