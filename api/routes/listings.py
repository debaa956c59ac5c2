"""Router: listings."""

from fastapi import APIRouter

router = APIRouter()
