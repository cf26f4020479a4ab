"""Drives an MCP server with the official MCP Python SDK (`mcp` on PyPI): the local host's
/runtime/webhooks/mcp, or a self-hosted server (the `mcp-custom-handler` profile) through the
proxy in front of it.

Usage: client.py URL SCRIPT_JSON

SCRIPT_JSON is a list of steps, each {"call": tool, "arguments": {...}} or
{"prompt": name, "arguments": {...}} or {"read": uri}. The script initializes, lists what the
server's capabilities offer (tools; resources and resource templates; prompts), runs the steps,
and prints one JSON object: {"server": ..., "tools": [...], "resources": [...],
"resource_templates": [...], "prompts": [...], "steps": [...]}, where each step is
{"result": ...} or {"error": {"code": ..., "message": ...}} for a JSON-RPC error. The Rust tests
assert on it; this file only speaks the protocol through the SDK.
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
            init = await session.initialize()
            out["server"] = dump(init)
            offers = init.capabilities
            if offers.tools is not None:
                out["tools"] = dump(await session.list_tools())["tools"]
            if offers.resources is not None:
                out["resources"] = dump(await session.list_resources())["resources"]
                out["resource_templates"] = dump(await session.list_resource_templates())[
                    "resourceTemplates"
                ]
            if offers.prompts is not None:
                out["prompts"] = dump(await session.list_prompts())["prompts"]
            for step in steps:
                try:
                    if "call" in step:
                        result = await session.call_tool(step["call"], step.get("arguments", {}))
                    elif "prompt" in step:
                        result = await session.get_prompt(step["prompt"], step.get("arguments", {}))
                    else:
                        result = await session.read_resource(step["read"])
                    out["steps"].append({"result": dump(result)})
                except MCPError as error:
                    out["steps"].append(
                        {"error": {"code": error.error.code, "message": error.error.message}}
                    )
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
