"""Router: ask."""

from fastapi import APIRouter

router = APIRouter()
