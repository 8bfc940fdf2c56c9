# Reference for docs/results.md: the fashion_mnist example's constant-lr set-up in PyTorch
# (MLP 784-256-128-10, SGD momentum, decoupled weight decay on weights only,
# global-norm clipping), to check that tapegrad reaches what PyTorch reaches.
# usage: /usr/bin/python3 torch_fashion_mnist.py EPOCHS LR MOMENTUM WD CLIP [SEED]
#        /usr/bin/python3 torch_fashion_mnist.py 2 0.1 0.9 5e-4 1 0   # 86.0% (seed 1: 84.6%)
import gzip, struct, sys, time, numpy as np, torch
torch.set_num_threads(2); torch.manual_seed(int(sys.argv[6]) if len(sys.argv) > 6 else 0)
D = "/usr/share/datasets/fashion-mnist/"
def idx(name):
    with gzip.open(D + name) as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4]); nd = magic & 0xff
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data[4 + 4 * nd:], np.uint8).reshape(dims)
xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(-1, 784) / 255
ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.int64)
xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).reshape(-1, 784) / 255
yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)
m, s = xtr.mean(), xtr.std(unbiased=False); xtr = (xtr - m) / s; xte = (xte - m) / s
epochs, lr, mom, wd, clip = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                            torch.nn.ReLU(), torch.nn.Linear(128, 10))
weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=mom)
for e in range(epochs):
    t = time.time(); perm = torch.randperm(60000)
    for i in range(0, 60000, 128):
        idx_ = perm[i:i + 128]
        loss = torch.nn.functional.cross_entropy(model(xtr[idx_]), ytr[idx_])
        opt.zero_grad(); loss.backward()
        if clip > 0: torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        with torch.no_grad():
            for w in weights: w.mul_(1 - lr * wd)   # decoupled decay (before the step, as tapegrad's chain)
        opt.step()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(f"epoch {e + 1} test_accuracy {acc:.4f} {time.time() - t:.1f} s", flush=True)
