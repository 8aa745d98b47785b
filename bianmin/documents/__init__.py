"""Official documents of a case (受理通知书, 补正材料一次性告知书, 决定书 …) rendered as PDF: see `pdf.render`."""
