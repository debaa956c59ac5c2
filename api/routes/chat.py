"""Router: chat."""

from fastapi import APIRouter

router = APIRouter()
