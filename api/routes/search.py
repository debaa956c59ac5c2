"""Router: search."""

from fastapi import APIRouter

router = APIRouter()
