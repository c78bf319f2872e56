"""Placement Desk's icon as a Windows .ico, drawn from ``resources/app/placement-desk.svg``.

``python installer/make_icon.py OUT.ico`` (the PyInstaller spec calls :func:`write_ico`
for the executables, and Inno Setup takes the same file for the installer). Each size
is drawn from the SVG by Qt, so the small ones stay sharp, and Pillow puts them in one
.ico file.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
"""The sizes Windows asks an .ico for: title bars, the taskbar, Explorer's views."""
SVG = Path(__file__).resolve().parent.parent / "resources" / "app" / "placement-desk.svg"


def _png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG drawing Qt can read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def write_ico(out: Path, svg: Path = SVG) -> Path:
    """Write the .ico at ``out`` (its folder made if need be); ``out``."""
    from PIL import Image

    images = [Image.open(io.BytesIO(_png(svg, size))) for size in SIZES]
    out.parent.mkdir(parents=True, exist_ok=True)
    largest = images[-1]
    largest.save(out, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    return out


if __name__ == "__main__":
    print(write_ico(Path(sys.argv[1])))
