/**
 * Renders a chart's SVG to a PNG: the SVG is serialised with its computed colours,
 * drawn on a white canvas at 2x for crisp slides, with the title and legend.
 */
export async function chartToPng(svg: SVGSVGElement, title: string, legend: { label: string; color: string; dash: string }[]): Promise<Blob> {
  const scale = 2;
  const { width, height } = svg.getBoundingClientRect();
  const legendHeight = 36;
  const titleHeight = 36;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const source = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();

  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil((height + titleHeight + legendHeight) * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the chart image.');
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height + titleHeight + legendHeight);
  context.fillStyle = '#111111';
  context.font = 'bold 18px system-ui, sans-serif';
  context.fillText(title, 12, 24);
  context.drawImage(image, 0, titleHeight, width, height);
  let x = 12;
  context.font = '600 14px system-ui, sans-serif';
  for (const item of legend) {
    // A line sample in the contestant's colour and dash, as in the chart.
    context.strokeStyle = item.color;
    context.lineWidth = 3;
    context.setLineDash(item.dash ? item.dash.split(' ').map(Number) : []);
    context.beginPath();
    context.moveTo(x, titleHeight + height + 19);
    context.lineTo(x + 24, titleHeight + height + 19);
    context.stroke();
    context.setLineDash([]);
    x += 10;
    context.fillStyle = '#111111';
    context.fillText(item.label, x + 20, titleHeight + height + 24);
    x += 28 + context.measureText(item.label).width;
  }
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))), 'image/png'));
}
