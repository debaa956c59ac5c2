"""Router: admin."""

from fastapi import APIRouter

router = APIRouter()
