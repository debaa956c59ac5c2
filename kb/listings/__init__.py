"""Seller self-check of product listings: risky claims → findings citing the law in force (issue 5).

Rules are reviewed data (kb/data/listing_rules.toml); citations come from the article store."""

from kb.lang import detect_lang
from kb.listings.detector import ListingChecker, detect, overall_risk
from kb.listings.rules import Rules, RulesError, load_rules

__all__ = ["ListingChecker", "Rules", "RulesError", "detect", "detect_lang", "load_rules", "overall_risk"]
