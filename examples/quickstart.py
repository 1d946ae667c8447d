"""Fit a differentially private model on the bundled Adult table and look at what it learned.

Run from the repository root:  python examples/quickstart.py
"""

import json
from pathlib import Path

from bayes_synth import Synthesizer, load_model

HERE = Path(__file__).parent
schema = json.loads((HERE / "adult_schema.json").read_text())

synth = Synthesizer(epsilon=1.0, schema=schema).fit(HERE / "data" / "adult.csv")
fake = synth.sample(5_000)
print(fake.head())

print("\nincome depends on:", synth.parents("income"))
print(synth.table("income").round(3).head(10))
print("\nwhere the budget went:")
print(synth.ledger.to_frame().groupby("query_kind")["epsilon"].sum())

synth.save("adult_model.json", force=True)
women = load_model("adult_model.json").sample(1_000, conditions={"sex": "Female"})
print("\nshare >50K among sampled women:", (women["income"] == ">50K").mean().round(3))
