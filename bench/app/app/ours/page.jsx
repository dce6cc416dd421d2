import { ours } from "../../lib/ours";
import { View } from "../../lib/view";

export default async function Ours() {
  const session = await ours.getSession();
  return <View variant="ours" user={session.get("userId") ? session.data : undefined} />;
}
