import json, sys
ours = json.loads(open(sys.argv[1]).read().splitlines()[0])
hf = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
steps_o = ours["logprobs"]; steps_h = hf["steps"]
n = min(len(steps_o), len(steps_h))
same_ids = sum(1 for i in range(n) if steps_o[i]["id"] == steps_h[i]["id"])
first_div = next((i for i in range(n) if steps_o[i]["id"] != steps_h[i]["id"]), None)
upto = first_div if first_div is not None else n
maxdiff = 0.0; topk_same = 0
for i in range(upto):
    o = {t["id"]: t["logprob"] for t in steps_o[i]["top"]}
    h = {int(a): b for a, b in steps_h[i]["top"]}
    if list(o.keys()) == list(h.keys()): topk_same += 1
    for k in set(o) & set(h): maxdiff = max(maxdiff, abs(o[k] - h[k]))
print(json.dumps({"file": sys.argv[1], "hf_prompt_ids": len(hf["prompt_ids"]), "ours_prompt_tokens": ours["prompt_tokens"],
  "steps": n, "same_greedy_ids": same_ids, "first_divergence": first_div, "topk_order_same_steps": topk_same,
  "max_abs_logprob_diff": maxdiff, "ours_text": ours["text"][:80], "hf_text": hf["text"][:80],
  "transformers": hf["transformers"], "torch": hf["torch"], "device": hf["device"]}))
