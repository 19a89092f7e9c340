from __future__ import annotations

from saferspaces.authorities.models import Network


def demo_is_loaded() -> bool:
    return Network.objects.filter(is_demo=True).exists()
