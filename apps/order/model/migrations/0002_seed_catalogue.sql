-- The starter catalogue. Prices in cents.
INSERT INTO `products` (`sku`, `title`, `price`, `stock`) VALUES
  ('ZM-TEE-001',  'zeromall T-shirt',            1999,  500),
  ('ZM-MUG-001',  'go-zero mug',                 1250,  200),
  ('ZM-STK-001',  'Gopher sticker pack',          399, 5000),
  ('ZM-HOOD-001', 'zeromall hoodie',             4999,   50),
  ('ZM-BOOK-001', 'Microservices in Go (book)',  3900,   20),
  ('ZM-CAP-001',  'Limited edition cap',         2500,    5);
