"""Router: ui."""

from fastapi import APIRouter

router = APIRouter()
