#!/usr/bin/python3
"""Golden PSNR / SSIM values for src/metrics from independent reference implementations.

Run from the repository root with the Debian Python (python3-skimage, python3-opencv) and
Octave with octave-image installed:

    git -C <DiffUIR clone> show HEAD:matlab_functions.py > /tmp/matlab_functions.py
    /usr/bin/python3 scripts/reference/metrics_fixtures.py [--matlab-functions /tmp/matlab_functions.py]

`--matlab-functions` names DiffUIR's (BasicSR's) Python port of MATLAB imresize (normalised
bicubic weights, as MATLAB's `contributions`); with it the fixture also holds that port's output
for the downscaled ground truth. Octave's imresize does not normalise its antialiased weights, so
it differs from MATLAB when shrinking (up to 4 grey levels here); it is kept for comparison.

It crops small pairs out of the real photographs in data/photos, degrades them deterministically
(noise with a fixed seed, blur, JPEG round trip, darkening, occlusion, identity), stores them as
lossless PNG under test/fixtures/metrics/pairs/ and writes test/fixtures/metrics/reference.json with:

- rdbm: DGSolver's test code (code/test.py cal_psnr / cal_ssim): PSNR in float32 on /255 values,
  100 when mse < 1e-10; SSIM = mean over RGB of skimage structural_similarity with its defaults.
- basicsr-y / basicsr-rgb: BasicSR 1.4 calculate_psnr / calculate_ssim (basicsr/metrics/psnr_ssim.py,
  basicsr/utils/color_util.py) re-written here from their published definitions with cv2
  (BasicSR itself is not installed): to_y_channel in float32, then float64; _ssim with
  cv2.getGaussianKernel(11, 1.5) and cv2.filter2D, map cropped by 5 px.
- skimage-gaussian: skimage structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False, data_range=255) and peak_signal_noise_ratio(data_range=255).
- matlab-y: Octave (scripts/reference/metrics_matlab_y.m): rgb2ycbcr on uint8, Wang's SSIM index
  (fspecial gaussian 11/1.5, filter2 'valid'), optional imresize of the ground truth.

The JPEG pairs hold the decoded pixels of a JPEG round trip as PNG, so every implementation sees the
same pixels; decoder parity is checked separately (the `decode` section).
"""
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

import cv2
try:
    import imageio.v2 as imageio
except ImportError:  # Debian ships imageio 2.4
    import imageio
import numpy as np
import skimage
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PHOTOS = os.path.join(ROOT, 'data', 'photos')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics')
PAIRS = os.path.join(OUT, 'pairs')
DECODE = os.path.join(OUT, 'decode')


# ---------------------------------------------------------------- pair construction

def photo(name):
    """RGB uint8 array of a photograph."""
    return np.ascontiguousarray(imageio.imread(os.path.join(PHOTOS, name))[:, :, :3])


def crop(img, top, left, h, w):
    return np.ascontiguousarray(img[top:top + h, left:left + w])


def noisy(img, sigma, seed):
    rng = np.random.default_rng(seed)
    return np.clip(np.round(img.astype(np.float64) + rng.normal(0, sigma, img.shape)), 0, 255).astype(np.uint8)


def blurred(img, sigma):
    return cv2.GaussianBlur(img, (0, 0), sigma, borderType=cv2.BORDER_REFLECT_101)


def jpeg_round_trip(img, quality):
    ok, buf = cv2.imencode('.jpg', img[:, :, ::-1] if img.ndim == 3 else img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return np.ascontiguousarray(out[:, :, ::-1] if out.ndim == 3 else out)


def occluded(img, top, left, h, w, value):
    out = img.copy()
    out[top:top + h, left:left + w] = value
    return out


def make_pairs():
    """(id, gt, pred, note) with gt / pred RGB (or grey 2-D) uint8 arrays."""
    astronaut, chelsea, china = photo('astronaut.png'), photo('chelsea.png'), photo('china.jpg')
    coffee, flower, hubble, rocket = photo('coffee.png'), photo('flower.jpg'), photo('hubble_deep_field.jpg'), photo('rocket.jpg')
    pairs = []
    g = crop(astronaut, 100, 180, 64, 64)
    pairs.append(('even-noise', g, noisy(g, 8, 1), 'astronaut 64x64, Gaussian noise sigma 8'))
    g = crop(chelsea, 80, 150, 83, 97)
    pairs.append(('odd-blur', g, blurred(g, 1.2), 'chelsea 97x83, Gaussian blur sigma 1.2'))
    g = crop(coffee, 120, 200, 150, 200)
    pairs.append(('jpeg-q25', g, jpeg_round_trip(g, 25), 'coffee 200x150, JPEG quality 25 round trip'))
    g = crop(hubble, 300, 420, 61, 75)
    pairs.append(('dark-noise', g, noisy(g, 3, 2), 'Hubble deep field 75x61 (dark), noise sigma 3'))
    g = crop(china, 150, 250, 96, 128)
    pairs.append(('lowlight', g, np.round(g * 0.3).astype(np.uint8), 'china 128x96, prediction darkened to 30%'))
    g = crop(rocket, 100, 300, 128, 101)
    pairs.append(('occluded', g, occluded(g, 40, 30, 20, 30, 128), 'rocket 101x128, grey 30x20 occlusion'))
    g = crop(flower, 200, 300, 66, 80)
    pairs.append(('identical', g, g.copy(), 'flower 80x66, identical'))
    g = crop(chelsea, 150, 200, 11, 12)
    pairs.append(('min-11x12', g, noisy(g, 10, 3), 'chelsea 12x11 (smallest for 11x11 windows), noise sigma 10'))
    g = crop(coffee, 50, 60, 13, 17)
    pairs.append(('tiny-17x13', g, blurred(noisy(g, 5, 4), 0.8), 'coffee 17x13 (borders dominate), noise + blur'))
    g = crop(astronaut, 200, 250, 7, 9)
    pairs.append(('min-9x7', g, noisy(g, 6, 5), 'astronaut 9x7 (smallest for the 7x7 window; too small for 11x11)'))
    g = cv2.cvtColor(crop(astronaut, 300, 120, 53, 70), cv2.COLOR_RGB2GRAY)
    pairs.append(('grey-blur', g, blurred(g, 1.0), 'astronaut grey 70x53, blur sigma 1'))
    g = crop(china, 200, 100, 90, 120)
    small = cv2.resize(g, (100, 75), interpolation=cv2.INTER_AREA)
    pairs.append(('resize-down', g, noisy(small, 4, 6), 'china 120x90 ground truth, 100x75 prediction (matlab-y resizes the ground truth)'))
    g = crop(rocket, 50, 50, 45, 60)
    big = cv2.resize(g, (90, 67), interpolation=cv2.INTER_CUBIC)
    pairs.append(('resize-up', g, noisy(big, 4, 7), 'rocket 60x45 ground truth, 90x67 prediction (matlab-y resizes the ground truth)'))
    return pairs


# ---------------------------------------------------------------- rdbm (DGSolver code/test.py)

def rdbm_psnr(img_ref, img_gen, data_range=255.0):
    mse = np.mean((img_ref.astype(np.float32) / data_range - img_gen.astype(np.float32) / data_range) ** 2)
    if mse < 1.0e-10:
        return 100
    return 20 * math.log10(1 / math.sqrt(mse))


def rdbm_ssim(img_ref, img_gen):
    if img_ref.ndim == 2:  # grey: one channel (DGSolver only ever sees RGB)
        return structural_similarity(img_ref, img_gen)
    total = 0
    for i in range(img_ref.shape[-1]):
        total = total + structural_similarity(img_ref[:, :, i], img_gen[:, :, i])
    return total / img_ref.shape[-1]


# ---------------------------------------------------------------- BasicSR 1.4 (re-written from its definition)

def reorder_image(img):
    return img[..., None] if img.ndim == 2 else img


def bgr2ycbcr_y(img):
    """basicsr.utils.color_util.bgr2ycbcr(img, y_only=True) for float32 input in [0, 1]."""
    img_type = img.dtype
    img = img.astype(np.float32)
    out_img = np.dot(img, [24.966, 128.553, 65.481]) + 16.0
    assert img_type == np.float32
    out_img /= 255.
    return out_img.astype(np.float32)


def to_y_channel(img):
    img = img.astype(np.float32) / 255.
    if img.ndim == 3 and img.shape[2] == 3:
        img = bgr2ycbcr_y(img)
        img = img[..., None]
    return img * 255.


def _basicsr_inputs(img, img2, crop_border, test_y_channel):
    """What calculate_psnr and calculate_ssim both do first: HWC, crop, optional Y, float64."""
    img, img2 = reorder_image(img), reorder_image(img2)
    if crop_border != 0:
        img = img[crop_border:-crop_border, crop_border:-crop_border, ...]
        img2 = img2[crop_border:-crop_border, crop_border:-crop_border, ...]
    if test_y_channel:
        img, img2 = to_y_channel(img), to_y_channel(img2)
    return img.astype(np.float64), img2.astype(np.float64)


def basicsr_psnr(img, img2, crop_border, test_y_channel):
    img, img2 = _basicsr_inputs(img, img2, crop_border, test_y_channel)
    mse = np.mean((img - img2) ** 2)
    if mse == 0:
        return float('inf')
    return 10. * np.log10(255. * 255. / mse)


def _ssim(img, img2):
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    kernel = cv2.getGaussianKernel(11, 1.5)
    window = np.outer(kernel, kernel.transpose())
    mu1 = cv2.filter2D(img, -1, window)[5:-5, 5:-5]
    mu2 = cv2.filter2D(img2, -1, window)[5:-5, 5:-5]
    mu1_sq, mu2_sq, mu1_mu2 = mu1 ** 2, mu2 ** 2, mu1 * mu2
    sigma1_sq = cv2.filter2D(img ** 2, -1, window)[5:-5, 5:-5] - mu1_sq
    sigma2_sq = cv2.filter2D(img2 ** 2, -1, window)[5:-5, 5:-5] - mu2_sq
    sigma12 = cv2.filter2D(img * img2, -1, window)[5:-5, 5:-5] - mu1_mu2
    ssim_map = ((2 * mu1_mu2 + c1) * (2 * sigma12 + c2)) / ((mu1_sq + mu2_sq + c1) * (sigma1_sq + sigma2_sq + c2))
    return ssim_map.mean()


def basicsr_ssim(img, img2, crop_border, test_y_channel):
    img, img2 = _basicsr_inputs(img, img2, crop_border, test_y_channel)
    ssims = [_ssim(img[..., i], img2[..., i]) for i in range(img.shape[2])]
    return np.array(ssims).mean()


# ---------------------------------------------------------------- scikit-image Gaussian

def skimage_gaussian(gt, pred):
    psnr = peak_signal_noise_ratio(gt, pred, data_range=255)
    kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)
    ssim = structural_similarity(gt, pred, channel_axis=2, **kw) if gt.ndim == 3 else structural_similarity(gt, pred, **kw)
    return psnr, ssim


def cropped(img, c):
    return img if c == 0 else np.ascontiguousarray(img[c:-c, c:-c, ...])


def num(x):
    x = float(x)
    return None if math.isinf(x) else x


def sha256(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


# ---------------------------------------------------------------- Octave (matlab-y)

def run_octave(jobs):
    """jobs: (gt_path, pred_path, crop, resize) → list of (psnr, ssim) from Octave."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, 'jobs.txt')
        result = os.path.join(tmp, 'out.txt')
        with open(listing, 'w') as f:
            for gt, pred, c, r in jobs:
                f.write(f'{gt}\t{pred}\t{c}\t{int(r)}\n')
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run(['octave-cli', '--no-gui', '--quiet', '--no-window-system', '--eval',
                        f"addpath('{here}'); metrics_matlab_y('{listing}', '{result}', '{tmp}')"], check=True)
        rows = [line.rstrip('\n').split('\t') for line in open(result)]
        resized = {}
        for name in os.listdir(tmp):
            if name.startswith('resized-'):
                resized[name] = np.ascontiguousarray(imageio.imread(os.path.join(tmp, name)))
        return [(float(p), float(s)) for p, s in rows], resized


def octave_luma_exceptions():
    """Triples (R, G, B) where Octave's uint8 rgb2ycbcr differs from round-half-up of the exact BT.601 Y."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'y.bin')
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run(['octave-cli', '--no-gui', '--quiet', '--no-window-system', '--eval',
                        f"addpath('{here}'); metrics_luma_table('{out}')"], check=True)
        y = np.fromfile(out, dtype=np.uint8).reshape(256, 256, 256)  # [B, G, R]
    b, g, r = np.meshgrid(np.arange(256), np.arange(256), np.arange(256), indexing='ij')
    num = 65481 * r + 128553 * g + 24966 * b + 16 * 255000
    exact = (num + 127500) // 255000
    diff = np.argwhere(exact != y)
    return [[int(r_), int(g_), int(b_), int(y[b_, g_, r_])] for b_, g_, r_ in diff], int(np.count_nonzero(num % 255000 == 127500))


# ---------------------------------------------------------------- decoder parity

def decode_fixtures():
    """Small files in every supported format plus the pixels the Python readers decode from them."""
    os.makedirs(DECODE, exist_ok=True)
    base = crop(photo('china.jpg'), 100, 300, 37, 45)  # odd size: chroma subsampling edges
    out = {}
    cv2.imwrite(os.path.join(DECODE, 'q75-420.jpg'), base[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 75])
    Image.fromarray(base).save(os.path.join(DECODE, 'q60-progressive.jpg'), quality=60, progressive=True)
    Image.fromarray(base).save(os.path.join(DECODE, 'q90-444.jpg'), quality=90, subsampling=0)
    for name in ['q75-420.jpg', 'q60-progressive.jpg', 'q90-444.jpg']:
        path = os.path.join(DECODE, name)
        a_cv = cv2.imread(path, cv2.IMREAD_COLOR)[:, :, ::-1]
        a_pil = np.asarray(Image.open(path).convert('RGB'))
        a_io = imageio.imread(path)
        out[name] = {'width': 45, 'height': 37, 'channels': 3, 'cv2': sha256(a_cv), 'pillow': sha256(a_pil), 'imageio': sha256(a_io),
                     'cv2_vs_pillow_max_abs': int(np.abs(a_cv.astype(int) - a_pil.astype(int)).max())}
    lossless = {'png.png': None, 'bmp24.bmp': None, 'tiff.tif': None, 'webp-lossless.webp': [cv2.IMWRITE_WEBP_QUALITY, 101]}
    for name, params in lossless.items():
        cv2.imwrite(os.path.join(DECODE, name), base[:, :, ::-1], params or [])
        out[name] = {'width': 45, 'height': 37, 'channels': 3, 'cv2': sha256(cv2.imread(os.path.join(DECODE, name))[:, :, ::-1])}
    grey = cv2.cvtColor(base, cv2.COLOR_RGB2GRAY)
    cv2.imwrite(os.path.join(DECODE, 'grey.png'), grey)
    cv2.imwrite(os.path.join(DECODE, 'grey8.bmp'), grey)  # 8-bit palette BMP
    for name in ['grey.png', 'grey8.bmp']:
        out[name] = {'width': 45, 'height': 37, 'channels': 1, 'cv2': sha256(cv2.imread(os.path.join(DECODE, name), cv2.IMREAD_GRAYSCALE))}
    rgba = np.dstack([base, np.full(base.shape[:2], 200, np.uint8)])
    Image.fromarray(rgba).save(os.path.join(DECODE, 'rgba.png'))
    out['rgba.png'] = {'width': 45, 'height': 37, 'channels': 3, 'alpha': True, 'cv2': sha256(base)}
    cv2.imwrite(os.path.join(DECODE, 'deep16.png'), (grey.astype(np.uint16) * 257))
    out['deep16.png'] = {'error': '16-bit'}
    with open(os.path.join(DECODE, 'q75-420.jpg'), 'rb') as f:
        data = f.read()
    with open(os.path.join(DECODE, 'truncated.jpg'), 'wb') as f:
        f.write(data[: len(data) // 2])
    out['truncated.jpg'] = {'error': 'decode'}
    with open(os.path.join(DECODE, 'corrupt.png'), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + b'not really a png' * 4)
    out['corrupt.png'] = {'error': 'decode'}
    return out


MATLAB_FUNCTIONS = sys.argv[sys.argv.index('--matlab-functions') + 1] if '--matlab-functions' in sys.argv else None


def matlab_port_resize(entry):
    """Ground truth resized by DiffUIR/BasicSR matlab_functions.imresize (float32), rounded half up."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('matlab_functions', MATLAB_FUNCTIONS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    gt = imageio.imread(os.path.join(OUT, entry['from'])).astype(np.float64) / 255.
    scale = entry['to'][0] / gt.shape[1]
    if math.ceil(gt.shape[0] * scale) != entry['to'][1]:
        return {}  # the port takes one scale for both axes
    import torch
    out = mod.imresize(torch.from_numpy(gt.transpose(2, 0, 1)).float(), scale).numpy().transpose(1, 2, 0).astype(np.float64) * 255.
    assert out.shape[1] == entry['to'][0] and out.shape[0] == entry['to'][1], out.shape
    rounded = np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8)
    name = f'pairs/{entry["id"]}.gt-matlab-port.png'
    imageio.imwrite(os.path.join(OUT, name), rounded)
    ambiguous = int(np.count_nonzero(np.abs(out - np.floor(out) - 0.5) < 1e-3))
    return {'matlabPort': name, 'matlabPortAmbiguous': ambiguous, 'matlabPortScale': scale}


def main():
    os.makedirs(PAIRS, exist_ok=True)
    pairs = make_pairs()
    records = []
    octave_jobs = []
    for pid, gt, pred, note in pairs:
        gt_file, pred_file = f'{pid}.gt.png', f'{pid}.pred.png'
        imageio.imwrite(os.path.join(PAIRS, gt_file), gt)
        imageio.imwrite(os.path.join(PAIRS, pred_file), pred)
        # read back exactly as each reference reads its inputs
        gt_rgb = imageio.imread(os.path.join(PAIRS, gt_file))
        pred_rgb = imageio.imread(os.path.join(PAIRS, pred_file))
        gt_bgr = cv2.imread(os.path.join(PAIRS, gt_file), cv2.IMREAD_UNCHANGED)
        pred_bgr = cv2.imread(os.path.join(PAIRS, pred_file), cv2.IMREAD_UNCHANGED)
        same_size = gt.shape == pred.shape
        h, w = min(gt.shape[0], pred.shape[0]), min(gt.shape[1], pred.shape[1])
        rec = {'id': pid, 'note': note, 'gt': f'pairs/{gt_file}', 'pred': f'pairs/{pred_file}',
               'gtSize': [gt.shape[1], gt.shape[0]], 'predSize': [pred.shape[1], pred.shape[0]],
               'channels': 1 if gt.ndim == 2 else 3, 'values': []}
        crops = [0] + ([4] if min(h, w) >= 4 + 4 + 11 else []) + ([2] if pid == 'tiny-17x13' else [])
        for c in crops:
            if same_size:
                g, p = cropped(gt_rgb, c), cropped(pred_rgb, c)
                if min(g.shape[:2]) >= 7:
                    rec['values'].append({'convention': 'rdbm', 'cropBorder': c, 'psnr': num(rdbm_psnr(g, p)), 'ssim': float(rdbm_ssim(g, p))})
                if min(g.shape[:2]) >= 11:
                    for cid, y in (('basicsr-y', True), ('basicsr-rgb', False)):
                        rec['values'].append({'convention': cid, 'cropBorder': c,
                                              'psnr': num(basicsr_psnr(gt_bgr, pred_bgr, c, y)),
                                              'ssim': float(basicsr_ssim(gt_bgr, pred_bgr, c, y))})
                    sp, ss = skimage_gaussian(g, p)
                    rec['values'].append({'convention': 'skimage-gaussian', 'cropBorder': c, 'psnr': num(sp), 'ssim': float(ss)})
            if min(h, w) - 2 * c >= 11:
                octave_jobs.append((rec, c, not same_size))
        records.append(rec)
    results, resized = run_octave([(os.path.join(OUT, r['gt']), os.path.join(OUT, r['pred']), c, rs) for r, c, rs in octave_jobs])
    for (rec, c, rs), (p, s) in zip(octave_jobs, results):
        rec['values'].append({'convention': 'matlab-y', 'cropBorder': c, 'resizeGt': rs, 'psnr': num(p), 'ssim': s})
    imresize = []
    for (rec, c, rs) in octave_jobs:
        if rs and c == 0:
            name = f'resized-{rec["id"]}.gt.png'
            arr = resized[name]
            imageio.imwrite(os.path.join(PAIRS, f'{rec["id"]}.gt-octave-imresize.png'), arr)
            imresize.append({'id': rec['id'], 'from': rec['gt'], 'to': [rec['predSize'][0], rec['predSize'][1]],
                             'octave': f'pairs/{rec["id"]}.gt-octave-imresize.png'})
    for entry in imresize:
        if MATLAB_FUNCTIONS:
            entry.update(matlab_port_resize(entry))
    exceptions, ties = octave_luma_exceptions()
    fixture = {
        'generator': 'scripts/reference/metrics_fixtures.py',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'skimage': skimage.__version__,
                     'opencv': cv2.__version__, 'octave': subprocess.run(['octave-cli', '--version'], capture_output=True, text=True).stdout.split('\n')[0]},
        'pairs': records,
        'imresize': imresize,
        'octaveLuma': {'note': 'uint8 rgb2ycbcr Y where Octave differs from round-half-up of 16 + (65.481 R + 128.553 G + 24.966 B)/255; [R, G, B, Y]',
                       'exactTies': ties, 'exceptions': exceptions},
        'decode': decode_fixtures(),
        # full photographs as cv2 decodes them (rocket.jpg embeds an Adobe RGB profile that cv2 ignores)
        'photos': {name: sha256(cv2.imread(os.path.join(PHOTOS, name))[:, :, ::-1]) for name in sorted(os.listdir(PHOTOS)) if name.endswith(('.png', '.jpg'))},
    }
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {len(records)} pairs, {sum(len(r["values"]) for r in records)} values, {len(exceptions)} luma exceptions ({ties} exact ties)')


if __name__ == '__main__':
    main()
