"""The synthetic local area: a fictional SEND partnership shaped like Reading, for demos, tests and benchmarks.

`generator.generate_area` builds every canonical table; `services.demo_area_load` loads it into the database;
`england.write_areas` writes every English local area's synthetic tables as Parquet.
"""
