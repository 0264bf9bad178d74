"""The baseline of bench/http_throughput.py: FastAPI's hello world, served by the same server
with the same settings as the API."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}
