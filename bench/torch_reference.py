#!/usr/bin/python3
"""PyTorch side of `npm run bench`: times one GAN training iteration (D step + G step)
of the three reference nets (gan, cgan, dcgan) so it can be compared with TensorFlow.js.

  OPENBLAS_NUM_THREADS=1 python3 bench/torch_reference.py --nets gan,cgan,dcgan \
      --threads 2 --warmup 3 --iters 10 --json

Only torch + stdlib. With --json exactly one JSON object goes to stdout (progress -> stderr).
The caller should set OPENBLAS_NUM_THREADS=1: with OpenBLAS behind libblas.so.3 its own
thread pool fights torch's intra-op threads (measured: 2+2 threads on 2 cores is 1.3-3x slower).
If unset we set it here, before importing torch.
NB: Debian's libtorch only *depends* on libblas.so.3; with just libblas3 installed that is the
unoptimised netlib reference BLAS and every Linear is 5-17x slower. Install libopenblas0-pthread
for meaningful numbers; the JSON reports the loaded library as "blasLibrary".
"""
import os
import sys

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')  # must happen before `import torch`

import argparse
import json
import platform
import statistics
import time

NETS = {'gan': (1, 100), 'cgan': (2, 64), 'dcgan': (0, 64)}  # name -> (reference seed, default batch)
FLOP_RULE = ('multiply-add = 2 FLOPs, Linear/Conv2d only; per iteration = G fwd (no_grad) on B + '
             'D fwd on 2B + D bwd (2x fwd) on 2B, then G+D fwd on B + G+D bwd (2x fwd) on B, '
             'i.e. B*(4*G_fwd + 9*D_fwd) with G_fwd/D_fwd the per-sample forward FLOPs')


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--nets', default='gan,cgan,dcgan', help='comma list from gan,cgan,dcgan')
    p.add_argument('--threads', type=int, default=2, help='torch.set_num_threads')
    p.add_argument('--warmup', type=int, default=3, help='untimed iterations')
    p.add_argument('--iters', type=int, default=10, help='timed iterations')
    p.add_argument('--batch-size', type=int, default=None, help='override per-net batch size')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--channels-last', action='store_true', help='dcgan in channels-last (slower here)')
    p.add_argument('--json', action='store_true', help='print one JSON object on stdout')
    a = p.parse_args()
    a.nets = [n.strip() for n in a.nets.split(',') if n.strip()]
    if any(n not in NETS for n in a.nets) or a.iters < 1 or a.warmup < 0 or a.threads < 1:
        p.error(f'--nets must be from {list(NETS)}; --iters/--threads >= 1; --warmup >= 0')
    return a


ARGS = parse_args()

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001
    # `python3` may be a pyenv/venv interpreter without torch; Debian's torch lives in /usr/bin/python3.
    if os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3') \
            and os.path.exists('/usr/bin/python3') and not os.environ.get('GANKIT_TORCH_REEXEC'):
        os.environ['GANKIT_TORCH_REEXEC'] = '1'
        os.execv('/usr/bin/python3', ['/usr/bin/python3', os.path.abspath(__file__)] + sys.argv[1:])
    msg = f'cannot import torch ({sys.executable}): {e!r}'
    print(json.dumps({'tool': 'pytorch', 'error': msg}) if ARGS.json else msg)
    sys.exit(3)


def lrelu():
    return nn.LeakyReLU(0.2)


def bn1d(n):  # Keras-style settings used by the JS cgan (momentum 0.99 there == 0.01 here)
    return nn.BatchNorm1d(n, eps=1e-3, momentum=0.01)


# ---------------------------------------------------------------- nets (all called as net(x|z, y))
class MLP(nn.Module):
    """Sequential MLP; if conditional, input = concat(flattened x, Embedding(10,10)(y))."""

    def __init__(self, net, conditional, latent=None):
        super().__init__()
        self.net, self.latent = net, latent
        self.emb = nn.Embedding(10, 10) if conditional else None

    def forward(self, x, y=None):
        x = x.flatten(1)
        return self.net(x if self.emb is None else torch.cat([x, self.emb(y)], 1))


def gan_g():  # seed 001: z128 -> 256 ReLU -> 784 sigmoid (unconditional)
    return MLP(nn.Sequential(nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid()), False, 128)


def gan_d():  # 784 -> 256 ReLU -> 1 logit
    return MLP(nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 1)), False)


def cgan_g():  # seed 002: [z100, emb10] -> 128 -> 256 BN -> 512 BN -> 1024 BN -> 784 tanh
    return MLP(nn.Sequential(
        nn.Linear(110, 128), lrelu(),
        nn.Linear(128, 256), bn1d(256), lrelu(),
        nn.Linear(256, 512), bn1d(512), lrelu(),
        nn.Linear(512, 1024), bn1d(1024), lrelu(),
        nn.Linear(1024, 784), nn.Tanh()), True, 100)


def cgan_d():  # [x784, emb10] -> 512 -> 512 drop.4 -> 512 drop.4 -> 1 logit
    return MLP(nn.Sequential(
        nn.Linear(794, 512), lrelu(),
        nn.Linear(512, 512), nn.Dropout(0.4), lrelu(),
        nn.Linear(512, 512), nn.Dropout(0.4), lrelu(),
        nn.Linear(512, 1)), True)


class DcganG(nn.Module):  # seed 000: [z100, onehot10] -> 1024 BN -> 6272 BN -> 128x7x7 -> up conv64 BN -> up conv1 tanh
    latent = 100

    def __init__(self, channels_last=False):
        super().__init__()
        self.cl = channels_last
        self.fc = nn.Sequential(nn.Linear(110, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
                                nn.Linear(1024, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU())
        self.conv = nn.Sequential(
            nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(128, 64, 5, padding=2),
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(64, 1, 5, padding=2), nn.Tanh())

    def forward(self, z, y):
        h = self.fc(torch.cat([z, F.one_hot(y, 10).float()], 1)).view(-1, 128, 7, 7)
        if self.cl:
            h = h.contiguous(memory_format=torch.channels_last)
        return self.conv(h)


class DcganD(nn.Module):  # [img, 10 label planes] 11x28x28 -> conv64 s2 -> conv128 s2 valid (5x5) -> 256 -> drop.5 -> 1 logit
    def __init__(self, channels_last=False):
        super().__init__()
        self.cl = channels_last
        self.conv = nn.Sequential(nn.Conv2d(11, 64, 5, stride=2, padding=2), lrelu(),
                                  nn.Conv2d(64, 128, 5, stride=2), lrelu())  # Keras default 'valid': 14 -> 5
        self.fc = nn.Sequential(nn.Linear(128 * 5 * 5, 256), lrelu(), nn.Dropout(0.5), nn.Linear(256, 1))

    def forward(self, x, y):
        planes = F.one_hot(y, 10).to(x.dtype)[:, :, None, None].expand(-1, 10, 28, 28)
        h = torch.cat([x, planes], 1)
        if self.cl:
            h = h.contiguous(memory_format=torch.channels_last)
        return self.fc(self.conv(h).flatten(1))


# Memory format: NCHW. Channels-last (--channels-last) was measured on this Debian torch 1.13
# (2 cores): same median with OpenBLAS (~405 ms dcgan), slower/noisier with netlib BLAS.
BUILD = {'gan': (gan_g, gan_d, (784,), False), 'cgan': (cgan_g, cgan_d, (784,), True),
         'dcgan': (DcganG, DcganD, (1, 28, 28), True)}


def forward_flops(model, *inputs):
    """Per-sample forward FLOPs of all Linear/Conv2d layers (2 per multiply-add), via hooks."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Linear):
            total[0] += 2 * m.in_features * m.out_features * out.shape[0]
        elif isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            total[0] += 2 * k * out.numel()  # out.numel() = N * Cout * Hout * Wout
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    model.eval()
    with torch.no_grad():
        model(*inputs)
    model.train()
    for h in hs:
        h.remove()
    return total[0] // inputs[0].shape[0]


def bench_net(name, a):
    seed, default_b = NETS[name]
    B = a.batch_size or default_b
    torch.manual_seed(a.seed * 1000 + seed)
    Gc, Dc, xshape, cond = BUILD[name]
    kw = {'channels_last': a.channels_last} if name == 'dcgan' else {}
    G, D = Gc(**kw).train(), Dc(**kw).train()
    adam = dict(lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    optG, optD = torch.optim.Adam(G.parameters(), **adam), torch.optim.Adam(D.parameters(), **adam)
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)

    def labels():
        return torch.randint(0, 10, (B,)) if cond else None

    # Pool of pre-generated "real" batches (outside the timing loop); z is sampled inside.
    def real_batch():
        x = torch.rand(B, *xshape)
        return (x if name == 'gan' else x * 2 - 1), labels()
    pool = [real_batch() for _ in range(4)]

    def iteration(i):
        x_real, y_real = pool[i % len(pool)]
        # 1. D step. G forward under no_grad: the JS side runs G forward normally but does not
        #    differentiate it, so no_grad (no autograd graph) is the comparable PyTorch idiom.
        z, y = torch.randn(B, G.latent), labels()
        with torch.no_grad():
            fake = G(z, y)
        loss_d = bce(D(x_real, y_real), ones) + bce(D(fake, y), zeros)
        optD.zero_grad(set_to_none=True)
        loss_d.backward()
        optD.step()
        # 2. G step (non-saturating loss), fresh z and fake labels.
        z, y = torch.randn(B, G.latent), labels()
        loss_g = bce(D(G(z, y), y), ones)
        optG.zero_grad(set_to_none=True)
        loss_g.backward()
        optG.step()

    times = []
    for i in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        iteration(i)
        dt = (time.perf_counter() - t0) * 1000
        if i >= a.warmup:
            times.append(dt)
        print(f'[torch] {name} iter {i}{" (warmup)" if i < a.warmup else ""}: {dt:.2f} ms', file=sys.stderr)

    z2, y2 = torch.randn(2, G.latent), torch.randint(0, 10, (2,))
    g_f = forward_flops(G, z2, y2)
    d_f = forward_flops(D, torch.rand(2, *xshape), y2)
    flops = B * (4 * g_f + 9 * d_f)  # see FLOP_RULE
    med = statistics.median(times)
    return {
        'net': name, 'batchSize': B,
        'msPerIter': {'median': round(med, 3), 'min': round(min(times), 3),
                      'mean': round(statistics.fmean(times), 3)},
        'samplesPerSec': round(B * 1000 / med, 1),
        'flopsPerIter': flops, 'gflops': round(flops / med / 1e6, 3),
        'params': {'generator': sum(p.numel() for p in G.parameters()),
                   'discriminator': sum(p.numel() for p in D.parameters())},
        'iters': a.iters, 'warmup': a.warmup,
    }


def blas_library():
    """Path of the BLAS shared library mapped into this process (Linux only), else None."""
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({ln.split()[-1] for ln in f if 'blas' in ln.rsplit('/', 1)[-1]})
    except OSError:
        return None
    return next((p for p in libs if 'openblas' in p), libs[0] if libs else None)


def main():
    a = ARGS
    try:
        torch.set_num_interop_threads(1)  # must precede any inter-op work
    except RuntimeError:
        pass
    torch.set_num_threads(a.threads)
    out = {'tool': 'pytorch', 'torchVersion': torch.__version__, 'threads': torch.get_num_threads(),
           'openblasThreads': os.environ.get('OPENBLAS_NUM_THREADS'), 'python': platform.python_version(),
           'blasLibrary': blas_library(), 'channelsLast': a.channels_last, 'flopRule': FLOP_RULE,
           'results': [bench_net(n, a) for n in a.nets]}
    if a.json:
        print(json.dumps(out))
        return
    print(f"PyTorch {out['torchVersion']}  threads={out['threads']}  OPENBLAS_NUM_THREADS={out['openblasThreads']}")
    print(f"{'net':<6} {'batch':>5} {'median ms':>10} {'min ms':>8} {'mean ms':>8} {'samples/s':>10} {'GFLOP/s':>8} {'G params':>9} {'D params':>9}")
    for r in out['results']:
        m = r['msPerIter']
        print(f"{r['net']:<6} {r['batchSize']:>5} {m['median']:>10.2f} {m['min']:>8.2f} {m['mean']:>8.2f} "
              f"{r['samplesPerSec']:>10.1f} {r['gflops']:>8.2f} {r['params']['generator']:>9} {r['params']['discriminator']:>9}")


if __name__ == '__main__':
    main()
