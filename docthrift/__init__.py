"""docthrift: answer questions over long PDFs from only the relevant sections."""

__version__ = "0.1.0"
