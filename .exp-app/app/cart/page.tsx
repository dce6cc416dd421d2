import { getSession } from "../../lib/session";
import { addToCart, removeFromCart } from "../actions";

export default async function Cart() {
  const cart = (await getSession()).get("cart") ?? [];
  return (
    <>
      <h1>Cart</h1>
      <p>
        <span data-testid="count">{cart.length}</span> item(s)
      </p>
      <ul>
        {cart.map((item, index) => (
          <li key={`${index}-${item}`} data-testid="item">
            {item}{" "}
            <form action={removeFromCart} className="inline">
              <input type="hidden" name="index" value={index} />
              <button type="submit">Remove</button>
            </form>
          </li>
        ))}
      </ul>
      <form action={addToCart}>
        <input name="item" placeholder="Item" aria-label="Item" required />
        <button type="submit">Add</button>
      </form>
    </>
  );
}
