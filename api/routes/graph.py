"""Router: graph."""

from fastapi import APIRouter

router = APIRouter()
